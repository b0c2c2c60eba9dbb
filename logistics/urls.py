"""Pages of the logistics app (included at the site root by config/urls.py)."""

app_name = "logistics"

urlpatterns: list = []
