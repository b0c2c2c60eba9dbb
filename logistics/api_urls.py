"""API routes of the logistics app, mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from logistics.api import delivery, devices, field, recovery

urlpatterns = [
    path("devices/", devices.DeviceListView.as_view(), name="logistics-devices"),
    path("devices/<str:code>/", devices.DeviceDetailView.as_view(), name="logistics-device"),
    path(
        "devices/<str:code>/receive/",
        devices.DeviceReceiveView.as_view(),
        name="logistics-receive",
    ),
    path("devices/<str:code>/wipe/", devices.DeviceWipeView.as_view(), name="logistics-wipe"),
    path("devices/<str:code>/repair/", devices.DeviceRepairView.as_view(), name="logistics-repair"),
    path("devices/<str:code>/qa/", devices.DeviceQAView.as_view(), name="logistics-qa"),
    path("devices/<str:code>/reject/", devices.DeviceRejectView.as_view(), name="logistics-reject"),
    path("devices/<str:code>/lost/", recovery.DeviceLostView.as_view(), name="logistics-lost"),
    path("labels.pdf", devices.LabelsView.as_view(), name="logistics-labels"),
    path("batches/", delivery.BatchListView.as_view(), name="logistics-batches"),
    path("batches/<int:batch_id>/", delivery.BatchDetailView.as_view(), name="logistics-batch"),
    path(
        "batches/<int:batch_id>/dispatch/",
        delivery.BatchDispatchView.as_view(),
        name="logistics-batch-dispatch",
    ),
    path(
        "batches/<int:batch_id>/field-pack/",
        field.FieldPackView.as_view(),
        name="logistics-batch-field-pack",
    ),
    path(
        "batches/<int:batch_id>/manifest.pdf",
        delivery.BatchManifestView.as_view(),
        name="logistics-batch-manifest",
    ),
    path("handovers/", delivery.HandoverCreateView.as_view(), name="logistics-handovers"),
    path(
        "handovers/<int:handover_id>/",
        delivery.HandoverDetailView.as_view(),
        name="logistics-handover",
    ),
    path(
        "handovers/<int:handover_id>/receipt.pdf",
        delivery.HandoverReceiptView.as_view(),
        name="logistics-handover-receipt",
    ),
    path(
        "handovers/<int:handover_id>/photo/",
        delivery.HandoverFileView.as_view(),
        {"field": "photo"},
        name="logistics-handover-photo",
    ),
    path(
        "handovers/<int:handover_id>/signature/",
        delivery.HandoverFileView.as_view(),
        {"field": "signature"},
        name="logistics-handover-signature",
    ),
    path(
        "handovers/<int:handover_id>/code/",
        delivery.HandoverCodeView.as_view(),
        name="logistics-handover-code",
    ),
    path(
        "handovers/<int:handover_id>/code/send/",
        delivery.HandoverCodeSendView.as_view(),
        name="logistics-handover-code-send",
    ),
    path(
        "handovers/<int:handover_id>/follow-up/",
        delivery.FollowUpView.as_view(),
        name="logistics-follow-up",
    ),
    path(
        "handovers/<int:handover_id>/return/",
        recovery.HandoverReturnView.as_view(),
        name="logistics-handover-return",
    ),
    path("allocations/", recovery.AllocationListView.as_view(), name="logistics-allocations"),
    path(
        "allocations/<int:allocation_id>/release/",
        recovery.AllocationReleaseView.as_view(),
        name="logistics-allocation-release",
    ),
    path("tickets/", recovery.TicketListView.as_view(), name="logistics-tickets"),
    path("tickets/<int:ticket_id>/", recovery.TicketDetailView.as_view(), name="logistics-ticket"),
    path(
        "tickets/<int:ticket_id>/assign/",
        recovery.TicketAssignView.as_view(),
        name="logistics-ticket-assign",
    ),
    path(
        "tickets/<int:ticket_id>/resolve/",
        recovery.TicketResolveView.as_view(),
        name="logistics-ticket-resolve",
    ),
]
