from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("nhan-vien/", views.landing, name="landing"),
    path("mat-khau/quen/", views.password_reset, name="password_reset"),
    path("mat-khau/da-gui/", views.password_reset_done, name="password_reset_done"),
    path(
        "mat-khau/dat-lai/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("mat-khau/xong/", views.password_reset_complete, name="password_reset_complete"),
]
