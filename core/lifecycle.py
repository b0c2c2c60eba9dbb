"""The one door of every status: a table of allowed moves, the evidence each move needs (checked,
not only present), a row lock, an event row (who, when, from, to, why) and a 409 naming the
allowed moves. Each app declares its life cycle with `Lifecycle(...)` and moves through `move`.

    BATCH = Lifecycle(
        model=DeliveryBatch, event_model=DeliveryBatchEvent, subject="batch",
        allowed={PLANNED: {IN_TRANSIT, CANCELLED}, ...},
        refusal=_("A batch that is “%(now)s” cannot become “%(to)s”. Allowed next: %(allowed)s."),
    )
    BATCH.move(obj_id=batch.id, to=IN_TRANSIT, actor=user, reason="")

A repeated move (a retry, a double click) changes nothing and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict

# (the moving object, the evidence value) → True when the evidence proves the move.
EvidenceCheck = Callable[[Any, Any], bool]


@dataclass
class Evidence:
    key: str  # the key the caller passes in `evidence`
    check: EvidenceCheck | None = None  # None: presence is enough (until a checker is registered)


@dataclass
class Lifecycle:
    model: type
    event_model: type
    subject: str  # the event model's foreign key to `model`
    allowed: dict[str, set[str]]
    refusal: str  # lazily translated; %(now)s, %(to)s, %(allowed)s
    evidence: dict[str, Evidence] = field(default_factory=dict)
    evidence_refusal: str = _("“%(to)s” needs its %(evidence)s.")
    status_field: str = "status"
    # Fields saved with the status (e.g. "updated_at"); set by `move`'s `also` as well.
    save_fields: tuple[str, ...] = ()

    # -- the table ---------------------------------------------------------------------------

    def label(self, status: str) -> str:
        choices = self.model._meta.get_field(self.status_field).choices or []
        return str(dict(choices).get(status, status))

    def allowed_moves(self, status: str) -> list[str]:
        return sorted(self.allowed.get(status, set()))

    def may_move(self, status: str, to: str) -> bool:
        return to in self.allowed.get(status, set())

    def refuse(self, status: str, to: str) -> Conflict:
        allowed = self.allowed_moves(status)
        return Conflict(
            self.refusal
            % {
                "now": self.label(status),
                "to": self.label(to),
                "allowed": ", ".join(self.label(a) for a in allowed) or "—",
            },
            code="invalid_transition",
            fields={"allowed": allowed},
        )

    def check_move(self, status: str, to: str) -> None:
        """Raise the 409 naming the allowed moves unless `status → to` is in the table."""
        if not self.may_move(status, to):
            raise self.refuse(status, to)

    def require(self, to: str, key: str, check: EvidenceCheck | None = None) -> None:
        """Declare (or register the checker of) the evidence a move to `to` needs. Apps above the
        one that owns the life cycle register checkers for the records they keep."""
        self.evidence[to] = Evidence(key=key, check=check)

    def check_evidence(self, obj, to: str, evidence: dict) -> None:
        needed = self.evidence.get(to)
        if needed is None:
            return
        value = evidence.get(needed.key)
        proved = bool(value) and (needed.check is None or needed.check(obj, value))
        if not proved:
            raise Conflict(
                self.evidence_refusal
                % {"to": self.label(to), "evidence": needed.key.replace("_", " ")},
                code="evidence_missing",
            )

    # -- the door ----------------------------------------------------------------------------

    def move(
        self,
        *,
        obj_id: int,
        to: str,
        actor,
        reason: str = "",
        evidence: dict | None = None,
        data: dict | None = None,
        also: dict | None = None,
        event_fields: dict | None = None,
    ):
        """Lock the row, check the table and the evidence, write the event, save the status.

        `evidence` is stored on the event as its data (with `data` merged in); `also` sets more
        fields of the object in the same save; `event_fields` sets more fields of the event row.
        Returns the object; `obj.last_event` is the event written (None for a repeated move)."""
        with transaction.atomic():
            obj = self.model.objects.select_for_update().get(pk=obj_id)
            status = getattr(obj, self.status_field)
            obj.last_event = None
            if status == to:
                return obj
            self.check_move(status, to)
            evidence = dict(evidence or {})
            self.check_evidence(obj, to, evidence)
            obj.last_event = self.event_model.objects.create(
                **{self.subject: obj},
                actor=actor,
                old_status=status,
                new_status=to,
                reason=reason,
                data={**evidence, **(data or {})},
                **(event_fields or {}),
            )
            setattr(obj, self.status_field, to)
            fields = [self.status_field, *self.save_fields]
            for name, value in (also or {}).items():
                setattr(obj, name, value)
                fields.append(name)
            obj.save(update_fields=list(dict.fromkeys(fields)))
            return obj

    def move_many(
        self,
        *,
        obj_ids,
        to: str,
        actor,
        reason: str = "",
        data: dict | None = None,
        also: dict | None = None,
        event_fields: dict | None = None,
    ) -> list[int]:
        """`move` for many rows at once (a commune's households when a new poverty list is
        published): the rows locked in id order, the table asked for each (the first that may
        not move raises the 409, and nothing moves), one event row per moved row (bulk
        inserted), the status and `also` saved in one UPDATE. Rows already at `to` are left as
        they are (a retry). Returns the ids moved. No evidence: a move that needs some goes
        through `move`."""
        if to in self.evidence:
            raise ValueError(f"a move to {to} needs evidence: use move()")
        with transaction.atomic():
            rows = list(
                self.model.objects.select_for_update()
                .filter(pk__in=list(obj_ids))
                .order_by("pk")
                .values_list("pk", self.status_field)
            )
            moving = [(pk, status) for pk, status in rows if status != to]
            for _pk, status in moving:
                self.check_move(status, to)
            if not moving:
                return []
            self.event_model.objects.bulk_create(
                [
                    self.event_model(
                        **{f"{self.subject}_id": pk},
                        actor=actor,
                        old_status=status,
                        new_status=to,
                        reason=reason,
                        data=dict(data or {}),
                        **(event_fields or {}),
                    )
                    for pk, status in moving
                ],
                batch_size=1000,
            )
            values = {self.status_field: to, **(also or {})}
            if "updated_at" in self.save_fields:
                values["updated_at"] = timezone.now()
            ids = [pk for pk, _status in moving]
            for start in range(0, len(ids), 1000):
                self.model.objects.filter(pk__in=ids[start : start + 1000]).update(**values)
            return ids
