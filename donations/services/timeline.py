"""A row on a thing's timeline that is not a status move (an edit, a photo, a partial refund):
the event model of its life cycle, with the old and the new status the same."""

from __future__ import annotations

from core.lifecycle import Lifecycle


def timeline_note(door: Lifecycle, obj, *, actor, data: dict | None = None, **fields):
    """Write an event row of `door`'s event model for `obj` that keeps its status."""
    status = getattr(obj, door.status_field)
    return door.event_model.objects.create(
        **{door.subject: obj},
        actor=actor,
        old_status=status,
        new_status=status,
        data=data or {},
        **fields,
    )
