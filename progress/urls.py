"""Public progress pages (included at the site root by config/urls.py)."""

app_name = "progress"

urlpatterns: list = []
