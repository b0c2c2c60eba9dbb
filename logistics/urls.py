"""Pages of the logistics app (included at the site root by config/urls.py)."""

from django.urls import path

from logistics import views

app_name = "logistics"

urlpatterns = [
    path("kho/", views.hub_home, name="hub"),
    path("kho/tiep-nhan-may-le/", views.walk_in, name="walk_in"),
    path("kho/tem.pdf", views.labels, name="labels"),
    path("kho/tong-quan/", views.dashboard, name="dashboard"),
    path("kho/tong-quan.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("kho/thiet-bi/<str:code>/", views.device_page, name="device"),
    path(
        "kho/thiet-bi/<str:code>/chung-nhan-xoa-du-lieu.pdf",
        views.device_wipe_certificate,
        name="device_wipe_certificate",
    ),
    path("kho/thiet-bi/<str:code>/<slug:action>/", views.device_action, name="device_action"),
    path(
        "kho/nha-tai-tro/<int:donor_id>/chung-nhan-xoa-du-lieu.pdf",
        views.donor_wipe_certificate,
        name="donor_wipe_certificate",
    ),
    path("dot-giao/", views.batches, name="batches"),
    path("dot-giao/<int:batch_id>/", views.batch_page, name="batch"),
    path("dot-giao/<int:batch_id>/xuat-phat/", views.batch_dispatch, name="batch_dispatch"),
    path("dot-giao/<int:batch_id>/danh-sach.pdf", views.batch_manifest, name="batch_manifest"),
    path("dot-giao/<int:batch_id>/tra-ve/<str:code>/", views.batch_return, name="batch_return"),
    path("ban-giao/", views.handovers, name="handovers"),
    path("ban-giao/moi/<str:code>/", views.handover_new, name="handover_new"),
    path("ban-giao/<int:handover_id>/", views.handover_page, name="handover"),
    path("ban-giao/<int:handover_id>/bien-ban.pdf", views.handover_receipt, name="receipt"),
]
