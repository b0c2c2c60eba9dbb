"""Who may open a staff page: one decorator for every app's pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.scoping import scope_for
from core.errors import NotFound


def staff_required(*roles):
    """Signed-in staff with one of `roles`: the public is sent to sign in, others get 403, and a
    service's NotFound (out of scope looks like absent) is a 404."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not scope_for(request.user).has_role(*roles):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404(error.message) from None

        return wrapper

    return decorator
