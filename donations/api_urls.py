"""API routes of the donations app, mounted under /api/v1/ by config/urls.py."""

urlpatterns: list = []
