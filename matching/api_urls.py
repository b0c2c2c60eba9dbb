"""API routes of the matching app, mounted under /api/v1/ by config/urls.py."""

urlpatterns: list = []
