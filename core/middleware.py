"""A database that drops out for a moment (a restart, a failover, a killed backend) is a 503 with
Retry-After, never a 500: the request changed nothing it could not redo (each request is its own
transaction, and creations take an Idempotency-Key), so a person or client just sends it again.
The broken connection is closed, so the next request opens a new one."""

from __future__ import annotations

import contextlib
import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger("noisong.database")
RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        log.error("database unavailable on %s %s: %r", request.method, request.path, exception)
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(Exception):  # a dead connection may fail to close
                connection.close()
        message = _(
            "The service is unavailable for a moment. Please try again in a few seconds: "
            "sending the same request again is safe."
        )
        if request.path.startswith("/api/"):
            body = {
                "error": {"code": "database_unavailable", "message": str(message), "fields": {}}
            }
            response = JsonResponse(body, status=503)
        else:
            # a page of its own, bilingual and without the database (no session, no user)
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
