"""Site-wide views: the error pages (the API's error shape under /api/) and health."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.cache import cache_ok as cache_check
from core.outbox import backlog as outbox_backlog


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """404 in the API's error shape under /api/, the site's page elsewhere."""
    if _wants_json(request):
        body = {"error": {"code": "not_found", "message": _("Not found."), "fields": {}}}
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_json(request):
        message = _("Something went wrong on our side. Please try again later.")
        return JsonResponse(
            {"error": {"code": "server_error", "message": str(message), "fields": {}}}, status=500
        )
    return render(request, "500.html", status=500)


def favicon(request):
    """/favicon.ico, asked for by clients that skip the page's <link rel="icon">: the static file
    (hashed and cached for a year in production)."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as error:  # the report must never fail itself
        return False, type(error).__name__


def _broker_ok() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return True, "eager"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True, conn.transport.driver_name
    except Exception as error:  # the report must never fail itself
        return False, type(error).__name__


@never_cache
def healthz(request):
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    cache_ok, cache_detail = cache_check()
    # The site works with the cache down (rate limits and public numbers fall back to this
    # process), so a broken cache is reported but does not make the instance unhealthy.
    ok = db_ok and broker_ok
    body = {
        "status": ("ok" if cache_ok else "degraded") if ok else "error",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
        "cache": {"ok": cache_ok, "detail": cache_detail},
        "outbox": outbox_backlog() if db_ok else None,
    }
    return JsonResponse(body, status=200 if ok else 503)
