from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, StaffViewSet, TokenView
from core import views
from places.api import CommuneViewSet, HubViewSet, ProvinceViewSet, VillageViewSet
from progress import views as progress_views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("provinces", ProvinceViewSet, basename="province")
router.register("communes", CommuneViewSet, basename="commune")
router.register("hubs", HubViewSet, basename="hub")
router.register("villages", VillageViewSet, basename="village")
router.register("staff", StaffViewSet, basename="staff")

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include(router.urls)),
    path("", include("households.api_urls")),
    path("", include("messaging.api_urls")),
    path("", include("donations.api_urls")),
    path("", include("matching.api_urls")),
    path("", include("logistics.api_urls")),
    path("", include("progress.api_urls")),
]

urlpatterns = [
    # First: the API is what outside clients call most often, and no page path starts with it.
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("", progress_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("accounts.urls")),
    path("", include("households.urls")),
    path("", include("donations.urls")),
    path("", include("matching.urls")),
    path("", include("logistics.urls")),
    path("", include("progress.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

handler404 = "core.views.not_found"
handler500 = "core.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
