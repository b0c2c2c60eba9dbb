"""Public progress pages (included at the site root by config/urls.py)."""

from django.urls import path

from progress import views

app_name = "progress"

urlpatterns = [
    path("tien-do/", views.communes, name="communes"),
    path("tien-do/du-lieu.csv", views.communes_csv, name="csv"),
    path("tien-do/vinh-danh/", views.honour, name="honour"),
    path("tien-do/ca-nuoc/", views.country, name="country"),
    path("tien-do/tinh/<str:code>/", views.province, name="province"),
    path("tien-do/tinh/<str:code>/du-lieu.csv", views.province_csv, name="province_csv"),
]
