"""Pages of the matching app (included at the site root by config/urls.py)."""

app_name = "matching"

urlpatterns: list = []
