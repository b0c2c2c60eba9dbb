"""Pages of the donations app (included at the site root by config/urls.py)."""

app_name = "donations"

urlpatterns: list = []
