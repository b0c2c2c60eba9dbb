"""API routes of the donations app, mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from donations import api

urlpatterns = [
    path("pledges/", api.PledgeListCreate.as_view(), name="pledges"),
    path("pledges/<int:pledge_id>/", api.PledgeDetail.as_view(), name="pledge"),
    path("pledges/<int:pledge_id>/cancel/", api.PledgeCancel.as_view(), name="pledge-cancel"),
    path("pledges/<int:pledge_id>/photos/", api.PledgePhotos.as_view(), name="pledge-photos"),
    path(
        "pledges/<int:pledge_id>/photos/<int:photo_id>/",
        api.PledgePhoto.as_view(),
        name="pledge-photo",
    ),
    path("track/<str:tracking_code>/", api.Track.as_view(), name="track"),
    path("gifts/", api.GiftList.as_view(), name="gifts"),
    path("gifts/checkout/", api.GiftCheckout.as_view(), name="gift-checkout"),
    path("gifts/vietqr/", api.GiftVietQR.as_view(), name="gift-vietqr"),
    path("statements/", api.StatementUpload.as_view(), name="statements"),
    path("statements/held/", api.HeldList.as_view(), name="held-money"),
    path("statements/held/<int:held_id>/settle/", api.HeldSettle.as_view(), name="held-settle"),
    path("statements/<int:statement_id>/", api.StatementDetail.as_view(), name="statement"),
    path("me/personal-data/", api.MePersonalData.as_view(), name="me-personal-data"),
    path("me/erase/", api.MeErase.as_view(), name="me-erase"),
]
