"""Security headers that Django does not set itself.

Content-Security-Policy on every response: scripts, styles and frames come from this site only, so an
injected <script> or style="" attribute does nothing. Templates keep their scripts and styles in static
files (`static/<app>/...`); the Swagger page uses drf-spectacular's split view for the same reason.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
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
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
