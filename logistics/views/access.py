"""Who may open the logistics pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role
from accounts.scoping import scope_for
from core.errors import NotFound


def staff_required(*roles):
    """Signed-in staff with one of `roles` (others get 403); a NotFound of a service is a 404."""

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


coordinator_required = staff_required(Role.COORDINATOR)
# Officers and coordinators (batches they carry, handovers and follow-ups).
field_staff_required = staff_required(Role.COORDINATOR, Role.OFFICER)
