"""HTML form fuzzing (security review, "keep them closed"): every form that any persona can open
is sent back with wrong types, overlong text, missing fields and a hostile file, and once without
its CSRF token. No answer may be a server error; a POST without the token is refused (403).

The pages come from the access matrix's world (every URL pattern, every persona), so a new page
with a form is fuzzed without anyone listing it here.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.access.routes import PERSONAS, SECOND_PROVINCE, all_routes
from tests.test_access_matrix import _path

pytestmark = pytest.mark.django_db

# Forms whose submission would end the persona's session or leave the site: not fuzzed.
SKIPPED_ACTIONS = ("/dang-xuat/", "/i18n/setlang/")


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (name → kind, first value, options)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            field = self._form["fields"].setdefault(
                a["name"], {"kind": kind, "value": a.get("value") or "", "options": []}
            )
            if kind in ("radio", "checkbox") and a.get("value"):
                field["options"].append(a["value"])
        elif tag == "textarea" and a.get("name"):
            self._form["fields"][a["name"]] = {"kind": "textarea", "value": "", "options": []}
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"][a["name"]] = {"kind": "select", "value": "", "options": []}
        elif tag == "option" and self._select:
            self._form["fields"][self._select]["options"].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _forms(html: str, page: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    found = []
    for form in parser.forms:
        action = urljoin(page, form["action"] or page)
        if urlparse(action).netloc or action.startswith(SKIPPED_ACTIONS):
            continue
        found.append({"action": action, "fields": form["fields"]})
    return found


def _hostile_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"<script>alert(1)</script>\x00" * 64, "image/jpeg")


WRONG = {
    "number": "abc",
    "date": "31/02/2026x",
    "email": "not-an-email",
    "tel": "+84" + "9" * 40,
    "checkbox": "maybe",
    "radio": "zzz",
    "select": "zzz",
}


def _variants(fields: dict) -> list[dict]:
    """Wrong types, overlong text, every field missing, and huge numbers."""
    token = fields.get("csrfmiddlewaretoken", {}).get("value", "")
    editable = {k: f for k, f in fields.items() if k != "csrfmiddlewaretoken"}
    wrong, overlong, huge = {}, {}, {}
    for name, field in editable.items():
        kind = field["kind"]
        if kind == "file":
            wrong[name] = _hostile_file("x.jpg")
            overlong[name] = _hostile_file("a" * 300 + ".png")
            huge[name] = _hostile_file("x.exe")
            continue
        if kind in ("submit", "button", "hidden") and field["value"]:
            wrong[name] = overlong[name] = huge[name] = field["value"]
            continue
        wrong[name] = WRONG.get(kind, "\u0000\ud7ff<b>" + "x" * 10)
        overlong[name] = "Đức " * 5000
        huge[name] = str(2**63) if kind != "email" else "a" * 300 + "@example.org"
    base = {"csrfmiddlewaretoken": token}
    return [{**base, **wrong}, {**base, **overlong}, {**base, **huge}, dict(base)]


# (the second province's staff hold the same roles as officer_a and coordinator_h: their forms
# are the same forms)
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in SECOND_PROVINCE])
def test_every_form_of_every_role_survives_wrong_input_and_missing_csrf(
    persona,
    personas,
    world,
):
    user = personas[persona]
    client = Client(raise_request_exception=False)
    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
        strict.force_login(user)
    errors, seen = [], 0
    for route in all_routes():
        if route.is_api or route.methods:
            continue
        try:
            page = _path(route, world)
        except AssertionError:
            continue
        response = client.get(page)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for form in _forms(response.content.decode(), page):
            seen += 1
            for body in _variants(form["fields"]):
                answer = client.post(form["action"], body)
                if answer.status_code >= 500:
                    errors.append(f"{answer.status_code} POST {form['action']} from {page}")
            without_token = {
                k: v for k, v in _variants(form["fields"])[0].items() if k != "csrfmiddlewaretoken"
            }
            answer = strict.post(form["action"], without_token)
            if answer.status_code != 403:
                errors.append(f"{answer.status_code} (not 403) without CSRF: {form['action']}")
    assert errors == []
    if persona != "anonymous":
        assert seen > 0  # the persona has forms, so the fuzzer did send something


def test_a_hub_id_past_the_integer_range_is_an_invalid_choice_not_a_500(client, coordinator_h):
    """What the fuzzer found: the new-run form filtered hubs by an id of 2^63 (OverflowError)."""
    from matching.models import MatchRun

    client.force_login(coordinator_h)
    response = client.post("/ghep-doi/chay-moi/", {"hubs": [str(2**63)], "seed": ""})
    assert response.status_code == 200
    assert "hubs" in response.context["form"].errors
    assert not MatchRun.objects.exists()
