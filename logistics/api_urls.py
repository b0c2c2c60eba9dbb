"""API routes of the logistics app, mounted under /api/v1/ by config/urls.py."""

urlpatterns: list = []
