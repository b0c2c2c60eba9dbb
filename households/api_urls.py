"""API routes of the households app, mounted under /api/v1/ by config/urls.py."""

urlpatterns: list = []
