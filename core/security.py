"""Security headers that Django does not set itself.

Content-Security-Policy on every response: scripts, styles and frames come from this site only, so an
injected <script> or style="" attribute does nothing. Templates keep their scripts and styles in static
files (`static/<app>/...`); the Swagger page uses drf-spectacular's split view for the same reason.
"""

from __future__ import annotations

from django.conf import settings


def content_security_policy() -> str:
    # Forms post to this site only, except the gift form's redirect to Stripe Checkout (a browser
    # checks form-action on the redirect too): its origin is in settings.CSP_FORM_ACTION_EXTRA.
    form_action = " ".join(["'self'", *getattr(settings, "CSP_FORM_ACTION_EXTRA", [])])
    return "; ".join(
        [
            "default-src 'self'",
            "img-src 'self' data: blob:",
            "style-src 'self'",
            "script-src 'self'",
            "frame-ancestors 'none'",
            f"form-action {form_action}",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    """Adds the site's Content-Security-Policy unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        return response
