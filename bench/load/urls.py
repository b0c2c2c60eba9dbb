"""The site's URLs plus the ceiling: a bare Django JSON view served by the same processes, with
the same middleware, so that the difference is what the real endpoints do."""

from django.http import JsonResponse
from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def ceiling(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/ceiling/", ceiling, name="bench-ceiling"), *site_urlpatterns]
