"""Issue 15, finding 1: every role sees its own start page in the header; two roles, both."""

from __future__ import annotations

import re

import pytest

from tests.conftest import COMMUNE_A, PASSWORD, _staff

pytestmark = pytest.mark.django_db


def header_links(client, url="/") -> dict[str, str]:
    html = client.get(url).content.decode()
    nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', html, re.S).group(1)
    return {
        href: text.strip() for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    }


@pytest.mark.parametrize(
    ("persona", "start", "label"),
    [
        ("donor", "/cua-toi/", "Quyên góp của tôi"),
        ("officer_a", "/ho-gia-dinh/", "Hộ của tôi"),
        ("verifier", "/xac-minh/", "Xác minh"),
        ("coordinator_h", "/kho/", "Điểm tiếp nhận"),
        ("admin", "/admin/", "Quản trị"),
    ],
)
def test_it_shows_each_role_its_start_page_in_the_header(client, personas, persona, start, label):
    client.force_login(personas[persona])
    links = header_links(client)
    assert links.get(start) == label
    starts = {"/cua-toi/", "/ho-gia-dinh/", "/xac-minh/", "/kho/", "/admin/"}
    assert set(links) & starts == {start}, links  # no one else's start page


def test_a_person_with_two_roles_sees_both_start_pages(client, communes):
    both = _staff(
        "two.roles@test.vn",
        "Hai Vai",
        [
            {"role": "officer", "communes": [COMMUNE_A]},
            {"role": "verifier", "communes": [COMMUNE_A]},
        ],
    )
    client.force_login(both)
    links = header_links(client, "/nhan-vien/")
    assert "/ho-gia-dinh/" in links and "/xac-minh/" in links
    assert "/cua-toi/" not in links


def test_staff_who_also_give_see_their_donations_too(client, officer_a):
    from donations.models import Donor

    Donor.objects.create(user=officer_a, name=officer_a.name, email=officer_a.email)
    client.force_login(officer_a)
    links = header_links(client)
    assert "/ho-gia-dinh/" in links and "/cua-toi/" in links


def test_the_public_sees_no_start_page(client):
    assert set(header_links(client)) == {"/dang-nhap/"}


def test_the_current_start_page_is_marked_in_the_header(client, donor):
    client.force_login(donor)
    html = client.get("/cua-toi/").content.decode()
    assert '<a href="/cua-toi/" aria-current="page">' in html


def test_a_donor_signing_in_lands_on_their_donations_in_one_step(client, donor):
    response = client.post("/dang-nhap/", {"username": donor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/cua-toi/"
    assert client.get("/cua-toi/").status_code == 200


def test_the_header_costs_no_query_beyond_the_scope(client, officer_a, django_assert_num_queries):
    """The donor record comes with the scope's own query: the header adds none."""
    from accounts.scoping import scope_for

    client.force_login(officer_a)
    officer_a_again = type(officer_a).objects.get(pk=officer_a.pk)
    with django_assert_num_queries(3):  # assignments (+ user and donor joined), communes, hubs
        scope_for(officer_a_again)
