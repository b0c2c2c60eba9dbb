"""Public numbers API, mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from progress import api

urlpatterns = [
    path("stats/", api.Stats.as_view(), name="stats"),
]
