"""core.api.Serializer copies its declared fields shallowly for each use (issue 17: the pledge
path's CPU). Each use must still get fields of its own, bound to it, with nested serializers and
list children bound to their own parents, and the same answers and errors as DRF's deep copy."""

import pytest
from rest_framework import serializers

from core.api import Serializer
from core.db import unique_or_none


class Place(Serializer):
    commune = serializers.CharField(max_length=5)
    strict = serializers.BooleanField(default=False)


class Line(Serializer):
    brand = serializers.CharField(max_length=10)
    os = serializers.ChoiceField(choices=[("android", "Android"), ("ios", "iOS")])


class Body(Serializer):
    name = serializers.CharField(max_length=20)
    place = Place(required=False)
    lines = serializers.ListField(child=Line(), allow_empty=False, max_length=3)
    many = Line(many=True, required=False)


def test_each_use_gets_fields_of_its_own_bound_to_it():
    first, second = Body(data={}), Body(data={})
    for name in ("name", "place", "lines", "many"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name] is not Body._declared_fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    nested = first.fields["place"]
    assert nested.fields["commune"].parent is nested
    assert nested.fields["commune"] is not second.fields["place"].fields["commune"]
    assert first.fields["lines"].child.parent is first.fields["lines"]
    assert first.fields["lines"].child is not second.fields["lines"].child
    assert first.fields["many"].child is not second.fields["many"].child
    # the declared fields are never bound: the next use starts clean
    assert Body._declared_fields["name"].__dict__.get("parent") is None
    assert "fields" not in Body._declared_fields["place"].__dict__


def test_answers_and_errors_are_drfs_and_one_use_leaves_nothing_in_the_next():
    bad = Body(data={"name": "x" * 21, "place": {"commune": "123456"}, "lines": [{"os": "palm"}]})
    assert not bad.is_valid()
    assert set(bad.errors) == {"name", "place", "lines"}
    assert set(bad.errors["place"]) == {"commune"}
    assert set(bad.errors["lines"][0]) == {"brand", "os"}
    good = Body(
        data={
            "name": "Lê Thu",
            "place": {"commune": "19588"},
            "lines": [{"brand": "Samsung", "os": "android"}],
            "many": [{"brand": "Nokia", "os": "ios"}],
        }
    )
    assert good.is_valid(), good.errors
    assert good.validated_data == {
        "name": "Lê Thu",
        "place": {"commune": "19588", "strict": False},
        "lines": [{"brand": "Samsung", "os": "android"}],
        "many": [{"brand": "Nokia", "os": "ios"}],
    }
    again = Body(data={"name": "B", "lines": [{"brand": "Oppo", "os": "ios"}]})
    assert again.is_valid(), again.errors
    assert "place" not in again.validated_data
    assert Body({"name": "C", "lines": [], "many": []}).data == {
        "name": "C",
        "lines": [],
        "many": [],
    }


@pytest.mark.django_db
def test_a_lookup_by_a_unique_key_is_one_statement_without_order():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from places.models import Province

    with CaptureQueriesContext(connection) as queries:
        found = unique_or_none(Province.objects.filter(code="44"))
        missing = unique_or_none(Province.objects.filter(code="00"))
    assert found is not None and found.code == "44" and missing is None
    assert len(queries) == 2
    assert all("ORDER BY" not in q["sql"] and "LIMIT 1" in q["sql"] for q in queries)
