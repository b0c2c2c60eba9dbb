"""What the logistics pages share: who may open them (accounts.decorators), and how a posted
form meets its service."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render

from accounts.decorators import staff_required
from accounts.models import Role
from core.errors import ApplicationError, apply_to_form

coordinator_required = staff_required(Role.COORDINATOR)
# Officers and coordinators (batches they carry, handovers and follow-ups).
field_staff_required = staff_required(Role.COORDINATOR, Role.OFFICER)


def submitted(request, form, service, **known):
    """When `form` was posted and is valid, call `service(**known, **form.arguments())` and
    return what it returns; None when there is nothing to do or the service refused (its refusal
    is then shown on the form's fields)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return service(**known, **form.arguments())
    except ApplicationError as error:
        apply_to_form(form, error)
        return None


def pressed(request, done: str, service, **known) -> None:
    """A button without a form: call `service(**known)`; say `done`, or the service's refusal."""
    try:
        service(**known)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)


def form_page(request, template: str, form, **context):
    """A page with its form: 400 when the form came back with errors (or none is offered)."""
    status = 400 if form is not None and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)
