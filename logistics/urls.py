"""Pages of the logistics app (included at the site root by config/urls.py)."""

from django.urls import path

from logistics.views import bench, dashboard, delivery, donor, field, recovery

app_name = "logistics"

urlpatterns = [
    path("kho/", bench.hub_home, name="hub"),
    path("kho/tiep-nhan-may-le/", bench.walk_in, name="walk_in"),
    path("kho/tem.pdf", bench.labels, name="labels"),
    path("kho/tong-quan/", dashboard.dashboard, name="dashboard"),
    path("kho/tong-quan.xlsx", dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("kho/thiet-bi/<str:code>/", bench.device_page, name="device"),
    path(
        "kho/thiet-bi/<str:code>/chung-nhan-xoa-du-lieu.pdf",
        bench.device_wipe_certificate,
        name="device_wipe_certificate",
    ),
    path("kho/thiet-bi/<str:code>/anh/<int:photo_id>/", bench.device_photo, name="device_photo"),
    path("kho/thiet-bi/<str:code>/bao-mat/", recovery.device_lost, name="device_lost"),
    path("kho/thiet-bi/<str:code>/<slug:action>/", bench.device_action, name="device_action"),
    path(
        "kho/nha-tai-tro/<int:donor_id>/chung-nhan-xoa-du-lieu.pdf",
        bench.donor_wipe_certificate,
        name="donor_wipe_certificate",
    ),
    # the donor's own papers, on their pages
    path(
        "cua-toi/cam-ket/<int:pledge_id>/chung-nhan-xoa-du-lieu.pdf",
        donor.pledge_wipe_certificate,
        name="pledge_wipe_certificate",
    ),
    path(
        "cua-toi/dien-thoai/<str:code>/chung-nhan-xoa-du-lieu.pdf",
        donor.phone_wipe_certificate,
        name="phone_wipe_certificate",
    ),
    path("dot-giao/", delivery.batches, name="batches"),
    path("dot-giao/<int:batch_id>/", delivery.batch_page, name="batch"),
    path("dot-giao/<int:batch_id>/xuat-phat/", delivery.batch_dispatch, name="batch_dispatch"),
    path("dot-giao/<int:batch_id>/danh-sach.pdf", delivery.batch_manifest, name="batch_manifest"),
    path("dot-giao/<int:batch_id>/tra-ve/<str:code>/", delivery.batch_return, name="batch_return"),
    path(
        "dot-giao/<int:batch_id>/ban-ghi-giu-lai/<int:conflict_id>/",
        field.conflict_settle,
        name="conflict_settle",
    ),
    # The field app works offline once a batch was taken there; its worker sits at the root.
    path("thuc-dia/", field.field_app, name="field"),
    path("thuc-dia/manifest.webmanifest", field.field_manifest, name="field_manifest"),
    path("thuc-dia-sw.js", field.field_service_worker, name="field_sw"),
    path("ban-giao/", delivery.handovers, name="handovers"),
    path("ban-giao/moi/<str:code>/", delivery.handover_new, name="handover_new"),
    path("ban-giao/<int:handover_id>/", delivery.handover_page, name="handover"),
    path("ban-giao/<int:handover_id>/bien-ban.pdf", delivery.handover_receipt, name="receipt"),
    path("ban-giao/<int:handover_id>/ma-xac-nhan/", delivery.handover_code, name="handover_code"),
    path(
        "ban-giao/<int:handover_id>/gui-ma-moi/",
        delivery.handover_code_send,
        name="handover_code_send",
    ),
    path(
        "ban-giao/<int:handover_id>/anh/",
        delivery.handover_file,
        {"field": "photo"},
        name="handover_photo",
    ),
    path(
        "ban-giao/<int:handover_id>/chu-ky/",
        delivery.handover_file,
        {"field": "signature"},
        name="handover_signature",
    ),
    path("ban-giao/<int:handover_id>/tra-lai/", recovery.handover_return, name="handover_return"),
    path("ban-giao/<int:handover_id>/bao-su-co/", recovery.ticket_new, name="ticket_new"),
    path("phan-bo/", recovery.allocations, name="allocations"),
    path(
        "phan-bo/<int:allocation_id>/giai-phong/",
        recovery.allocation_release,
        name="allocation_release",
    ),
    path("phieu-su-co/", recovery.ticket_list, name="tickets"),
    path("phieu-su-co/<int:ticket_id>/", recovery.ticket_page, name="ticket"),
    path("xa/<str:commune>/", recovery.commune_page, name="commune"),
]
