"""Pages of the households app (included at the site root by config/urls.py)."""

from django.urls import path

from households import views

app_name = "households"

urlpatterns = [
    path("ho-gia-dinh/", views.household_list, name="list"),
    path("ho-gia-dinh/them/", views.household_create, name="create"),
    path("ho-gia-dinh/nhap-excel/", views.import_upload, name="import"),
    path("ho-gia-dinh/nhap-excel/<int:pk>/", views.import_page, name="import_page"),
    path(
        "ho-gia-dinh/nhap-excel/<int:pk>/tien-do.json",
        views.import_progress,
        name="import_progress",
    ),
    path("ho-gia-dinh/nhap-excel/<int:pk>/nhap/", views.import_commit, name="import_commit"),
    path("ho-gia-dinh/nhap-excel/<int:pk>/gui/", views.import_submit, name="import_submit"),
    path("ho-gia-dinh/mau-nhap.xlsx", views.import_template, name="import_template"),
    path("ho-gia-dinh/xuat/<str:code>.xlsx", views.commune_export, name="export"),
    path("ho-gia-dinh/<int:pk>/", views.household_detail, name="detail"),
    path("ho-gia-dinh/<int:pk>/sua/", views.household_edit, name="edit"),
    path("ho-gia-dinh/<int:pk>/gui/", views.household_submit, name="submit"),
    path("ho-gia-dinh/<int:pk>/quyet-dinh/", views.household_decide, name="decide"),
    path("ho-gia-dinh/<int:pk>/dong-y/", views.household_consent, name="consent"),
    path("ho-gia-dinh/<int:pk>/rut-dong-y/", views.household_withdraw, name="withdraw"),
    path("ho-gia-dinh/<int:pk>/an-danh/", views.household_anonymise, name="anonymise"),
    path("ho-gia-dinh/<int:pk>/du-lieu.json", views.household_personal_data, name="personal_data"),
    path("ho-gia-dinh/<int:pk>/khieu-nai/", views.household_appeal, name="appeal"),
    path("ho-gia-dinh/<int:pk>/khong-gia-han/", views.household_not_renewed, name="not_renewed"),
    path("ho-gia-dinh/gia-han/", views.renewal_index, name="renewal_index"),
    path("ho-gia-dinh/gia-han/<str:commune>/", views.renewal_page, name="renewal"),
    path("ho-gia-dinh/gia-han/<str:commune>/mau.xlsx", views.renewal_sheet, name="renewal_sheet"),
    path(
        "ho-gia-dinh/gia-han/<str:commune>/nhap-excel/",
        views.renewal_upload,
        name="renewal_upload",
    ),
    path("xac-minh/", views.verification_queue, name="queue"),
]
