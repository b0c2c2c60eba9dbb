"""API routes of the logistics app, mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from logistics import api

urlpatterns = [
    path("devices/", api.DeviceListView.as_view(), name="logistics-devices"),
    path("devices/<str:code>/", api.DeviceDetailView.as_view(), name="logistics-device"),
    path("devices/<str:code>/receive/", api.DeviceReceiveView.as_view(), name="logistics-receive"),
    path("devices/<str:code>/wipe/", api.DeviceWipeView.as_view(), name="logistics-wipe"),
    path("devices/<str:code>/repair/", api.DeviceRepairView.as_view(), name="logistics-repair"),
    path("devices/<str:code>/qa/", api.DeviceQAView.as_view(), name="logistics-qa"),
    path("devices/<str:code>/reject/", api.DeviceRejectView.as_view(), name="logistics-reject"),
    path("labels.pdf", api.LabelsView.as_view(), name="logistics-labels"),
    path("batches/", api.BatchListView.as_view(), name="logistics-batches"),
    path("batches/<int:batch_id>/", api.BatchDetailView.as_view(), name="logistics-batch"),
    path(
        "batches/<int:batch_id>/dispatch/",
        api.BatchDispatchView.as_view(),
        name="logistics-batch-dispatch",
    ),
    path(
        "batches/<int:batch_id>/manifest.pdf",
        api.BatchManifestView.as_view(),
        name="logistics-batch-manifest",
    ),
    path("handovers/", api.HandoverCreateView.as_view(), name="logistics-handovers"),
    path(
        "handovers/<int:handover_id>/", api.HandoverDetailView.as_view(), name="logistics-handover"
    ),
    path(
        "handovers/<int:handover_id>/receipt.pdf",
        api.HandoverReceiptView.as_view(),
        name="logistics-handover-receipt",
    ),
    path(
        "handovers/<int:handover_id>/follow-up/",
        api.FollowUpView.as_view(),
        name="logistics-follow-up",
    ),
]
