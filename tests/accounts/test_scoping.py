import pytest

from accounts.scoping import filter_by_commune, filter_by_hub, scope_for
from places.models import Hub, Village
from tests.conftest import COMMUNE_A, COMMUNE_B

pytestmark = pytest.mark.django_db


def test_an_officer_covers_only_their_communes(personas):
    scope = scope_for(personas["officer_a"])
    assert scope.communes() == {COMMUNE_A}
    assert scope.covers_commune(COMMUNE_A)
    assert not scope.covers_commune(COMMUNE_B)
    assert not scope.is_admin


def test_a_coordinator_covers_their_hubs_and_the_communes_they_serve(personas, hubs):
    scope = scope_for(personas["coordinator_h"])
    assert scope.hubs == {hubs["H"].id}
    assert scope.communes("coordinator") == {COMMUNE_A, "19333"}
    assert scope.communes("officer", "verifier") == frozenset()
    assert list(filter_by_hub(Hub.objects.all(), personas["coordinator_h"], field="id")) == [
        hubs["H"]
    ]


def test_donors_and_anonymous_cover_nothing(personas, villages):
    for persona in ("anonymous", "donor", "other_donor"):
        user = personas[persona]
        assert not filter_by_commune(Village.objects.all(), user).exists()
        assert not filter_by_hub(Hub.objects.all(), user, field="id").exists()


def test_the_admin_covers_everything(personas, villages):
    assert filter_by_commune(Village.objects.all(), personas["admin"]).count() == 2


def test_the_scope_is_computed_once_per_user_object(personas, django_assert_num_queries):
    user = personas["verifier"]
    user.__dict__.pop("_noisong_scope", None)
    with django_assert_num_queries(3):  # assignments, their communes, their hubs
        scope_for(user)
        scope_for(user)


def test_a_deactivated_officer_covers_nothing(personas):
    user = personas["officer_a"]
    user.is_active = False
    assert scope_for(user).communes() == frozenset()
