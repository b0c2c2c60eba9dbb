"""Every input field bounded as its column is (issue 13, finding 9): a text past the column's
length was a 500 on PostgreSQL (a batch's carrier_name, a handover's place). Every writable
CharField of the project's serializers declares a max_length, except the free texts listed here
(each stored in a TextField, or not stored as text at all)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from rest_framework import serializers

APPS = [
    "accounts",
    "places",
    "households",
    "messaging",
    "donations",
    "matching",
    "logistics",
    "progress",
]
UNBOUNDED = {
    "notes",  # TextField
    "story",  # TextField
    "reason",  # TextField (core.models.StatusEvent.reason, Proposal.reason)
    "near_duplicate_reason",  # kept in the event's data
    "signature",  # a drawn signature as a data URL, decoded and size-checked as an image
    "password",  # hashed, never stored as typed; Django's validators bound it
    "method",  # the consent method: a choice-like text checked by the service
    "need",  # TextField: the household's need in the officer's words
    "problems",  # TextField: what a follow-up found
}


def _serializers():
    for app in APPS:
        package = importlib.import_module(app)
        names = [f"{app}.api"]
        if hasattr(package, "__path__"):
            for found in pkgutil.walk_packages(package.__path__, f"{app}."):
                if found.name.startswith(f"{app}.api."):
                    names.append(found.name)
        for name in names:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            for _n, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, serializers.Serializer) and cls.__module__.startswith(app):
                    yield cls
                for _m, inner in inspect.getmembers(cls, inspect.isclass):
                    if issubclass(inner, serializers.Serializer) and inner.__module__.startswith(
                        app
                    ):
                        yield inner


def _unbounded(cls) -> list[str]:
    found = []
    for name, field in cls._declared_fields.items():
        if isinstance(field, serializers.ListField):
            field = field.child
        if (
            isinstance(field, serializers.CharField)
            and not isinstance(field, (serializers.ChoiceField, serializers.EmailField))
            and not field.read_only
            and field.max_length is None
            and name not in UNBOUNDED
        ):
            found.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    return found


def test_every_writable_text_field_of_the_api_is_bounded():
    classes = set(_serializers())
    assert len(classes) > 20  # the walk found the project's serializers
    unbounded = sorted({f for cls in classes for f in _unbounded(cls)})
    inputs = [f for f in unbounded if "Output." not in f and "Out." not in f]  # outputs: not read
    assert inputs == []


def test_the_bound_is_a_400_on_the_field_not_a_500(api, coordinator_h, hubs, communes):
    from tests.conftest import assert_error

    body = {
        "hub": hubs["H"].id,
        "commune": communes["A"].code,
        "planned_date": "2026-12-20",
        "carrier_name": "Đ" * 151,
        "devices": ["NS-XXXX-XXXX"],
    }
    response = api.as_user(coordinator_h).post("/api/v1/batches/", body, format="json")
    assert_error(response, 400, "invalid", "carrier_name")
