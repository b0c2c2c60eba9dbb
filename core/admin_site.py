"""The admin site: Django's, with the same sign-in rate limit as every other way in."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from core import ratelimit
from core.errors import refuse_form


class AdminSite(admin.AdminSite):
    def login(self, request, extra_context=None):
        if request.method == "POST":
            try:
                ratelimit.hit_for("sign_in", request, request.POST.get("username", ""))
            except ratelimit.RateLimited as limited:
                return self._limited(request, limited)
        return super().login(request, extra_context)

    def _limited(self, request, limited) -> TemplateResponse:
        """The sign-in page again with the limit as its error; the password is never checked."""
        form = refuse_form(AdminAuthenticationForm(request), limited.message)
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            "form": form,
            REDIRECT_FIELD_NAME: request.GET.get(REDIRECT_FIELD_NAME, ""),
        }
        request.current_app = self.name
        response = TemplateResponse(
            request, self.login_template or "admin/login.html", context, status=429
        )
        response["Retry-After"] = str(limited.retry_after)
        return response
