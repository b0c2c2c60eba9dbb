"""Pages of the donations app (included at the site root by config/urls.py)."""

from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("tang-dien-thoai/", views.pledge_new, name="pledge_new"),
    path("tang-dien-thoai/cam-on/", views.pledge_thanks, name="thanks"),
    path("tai-che/", views.recycling, name="recycling"),
    path("quy/", views.ledger, name="ledger"),
    path("cua-toi/", views.mine, name="mine"),
    path("cua-toi/cam-ket/<int:pledge_id>/", views.pledge_detail, name="pledge"),
    path("cua-toi/cam-ket/<int:pledge_id>/huy/", views.pledge_cancel, name="pledge_cancel"),
    path(
        "cua-toi/cam-ket/<int:pledge_id>/ma-theo-doi.pdf",
        views.pledge_codes_pdf,
        name="pledge_codes_pdf",
    ),
    path(
        "cua-toi/cam-ket/<int:pledge_id>/ma-theo-doi.csv",
        views.pledge_codes_csv,
        name="pledge_codes_csv",
    ),
    path("cua-toi/cam-ket/<int:pledge_id>/tem.pdf", views.pledge_labels, name="pledge_labels"),
    path("cua-toi/xac-nhan/<str:token>/", views.claim_confirm, name="claim_confirm"),
    path("cua-toi/du-lieu-cua-toi/", views.personal_data, name="personal_data"),
    path("cua-toi/du-lieu-cua-toi.json", views.personal_data_json, name="personal_data_json"),
    path("cua-toi/xoa-tai-khoan/", views.erase, name="erase"),
    path(
        "cua-toi/cam-ket/<int:pledge_id>/anh/<int:photo_id>/",
        views.pledge_photo,
        name="pledge_photo",
    ),
    path("t/", views.track_lookup, name="track_lookup"),
    path("t/<str:code>", views.track, name="track"),
    path("ung-ho/", views.gift_new, name="gift_new"),
    path("ung-ho/thanh-cong/", views.gift_success, name="gift_success"),
    path("ung-ho/huy/", views.gift_cancel, name="gift_cancel"),
    path("ung-ho/chuyen-khoan/<str:memo>/", views.vietqr_page, name="vietqr"),
    path("ung-ho/chuyen-khoan/<str:memo>/qr.png", views.vietqr_png, name="vietqr_png"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("doi-soat/", views.statements, name="statements"),
    path("doi-soat/tien-cho/", views.held_money, name="held_money"),
    path("doi-soat/<int:statement_id>/", views.statement_detail, name="statement"),
]
