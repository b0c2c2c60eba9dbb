"""Private files (core/media.py): random names, a storage outside MEDIA_ROOT, a careful answer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import Http404

from core.media import RandomName, private_file_response, private_storage


def test_random_names_drop_the_uploaders_name_and_keep_only_a_safe_extension():
    name = RandomName("handovers/signatures")
    first, second = name(None, "signature.png"), name(None, "signature.png")
    assert first != second
    assert first.startswith("handovers/signatures/") and first.endswith(".png")
    assert "signature" not in first.removeprefix("handovers/signatures/")
    assert len(first.rsplit("/", 1)[1]) == 32 + len(".png")
    assert "." not in name(None, "evil.html").rsplit("/", 1)[1]  # no .html served from here


def test_the_private_storage_is_not_under_the_public_media_root():
    storage = private_storage()
    assert not str(storage.location).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        storage.url("handovers/signatures/x.png")  # no public URL at all


def test_a_private_file_is_answered_uncached_and_not_sniffed(db):
    storage = private_storage()
    stored = storage.save(RandomName("tests")(None, "a.png"), ContentFile(b"\x89PNG..."))

    from django.db.models.fields.files import FieldFile

    field = type("Field", (), {"storage": storage})()
    field_file = FieldFile(SimpleNamespace(), field, stored)
    response = private_file_response(field_file)
    assert b"".join(response.streaming_content) == b"\x89PNG..."
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()
    storage.delete(stored)
    with pytest.raises(Http404):
        private_file_response(FieldFile(SimpleNamespace(), field, stored))
    with pytest.raises(Http404):
        private_file_response(FieldFile(SimpleNamespace(), field, ""))
