"""Public numbers API, mounted under /api/v1/ by config/urls.py."""

urlpatterns: list = []
