"""Pages of the households app (included at the site root by config/urls.py)."""

app_name = "households"

urlpatterns: list = []
