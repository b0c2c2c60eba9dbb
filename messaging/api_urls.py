"""API routes of messaging, mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from messaging import api

urlpatterns = [
    path("messages/", api.MessageListView.as_view(), name="messages"),
    path(
        "messages/callback/<slug:provider>/",
        api.DeliveryReportView.as_view(),
        name="messages-callback",
    ),
]
