"""Site-wide plumbing: health, the API schema and docs, settings, translations."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import PROJECT_APPS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "detail": "eager"}


@pytest.mark.django_db
def test_healthz_reports_a_broker_that_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


@pytest.mark.django_db
def test_the_openapi_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/communes/" in text and "/api/v1/staff/" in text
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower()


def _run_django(args, **env):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves; production must not see it.
    dropped = {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_django(["check"], DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_passes_the_deploy_check():
    result = _run_django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 64 + "-not-a-real-secret-but-long-and-random-enough-9f8e7d",
        ALLOWED_HOSTS="noisong.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_times_are_shown_in_vietnam():
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "vi"


CATALOGUES = sorted(
    p
    for p in ROOT.glob("**/locale/vi/LC_MESSAGES/django.po")
    if ".venv" not in p.parts and "artifacts" not in p.parts
)


def test_there_is_a_catalogue_per_app_and_one_for_the_site():
    folders = {p.parts[len(ROOT.parts)] for p in CATALOGUES}
    assert folders == {"locale", *PROJECT_APPS}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_vietnamese_string_is_translated_and_compiled(po_path):
    import polib

    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], untranslated
    assert fuzzy == [], fuzzy
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    # keyed by context too: pgettext gives one msgid two translations (“Clear” as a NIST level)
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
    stale = [
        e.msgid for e in po.translated_entries() if compiled.get((e.msgctxt, e.msgid)) != e.msgstr
    ]
    assert stale == [], "run `make messages`: the .mo is older than the .po"


def test_a_msgid_reads_the_same_in_every_catalogue():
    """Issue 15, finding 3: Django merges the catalogues into one, so a msgid translated two ways
    shows one of them everywhere ("Open", the hub page's button, read "Đang mở", the pledge
    status). A word with two meanings gets a context (pgettext); a word with one, one text."""
    import polib

    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)).translated_entries():
            if entry.msgid_plural:
                continue
            key = (entry.msgctxt, entry.msgid)
            seen.setdefault(key, {})[str(po_path.relative_to(ROOT))] = entry.msgstr
    two_ways = {key: texts for key, texts in seen.items() if len(set(texts.values())) > 1}
    assert two_ways == {}


@pytest.mark.django_db
def test_an_open_button_and_an_open_pledge_read_differently(client, coordinator_h, donor):
    from django.utils import translation

    from donations.models import Pledge

    client.force_login(coordinator_h)
    html = client.get("/kho/").content.decode()
    assert '<button class="button">Mở</button>' in html
    with translation.override("vi"):
        assert Pledge.Status.OPEN.label == "Đang mở"
        assert str(Pledge.Status("open").label) == "Đang mở"


def test_a_delivered_phone_and_a_delivered_text_message_read_differently():
    """The text messages' "Delivered" ("reached the handset") once renamed every delivered phone."""
    from django.utils import translation

    from donations.models import Device
    from matching.models import MatchRun
    from messaging.models import Message

    with translation.override("vi"):
        assert str(Device.Status.DELIVERED.label) == "Đã bàn giao"
        assert str(Message.Status.DELIVERED.label) == "Đã đến máy"
        assert str(MatchRun.Status.FAILED.label) == "Lỗi"
        assert str(Message.Status.FAILED.label) == "Không gửi được"


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_404_in_the_error_shape(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_an_unknown_page_is_a_friendly_404_in_vietnamese(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_persistent_database_connections_are_health_checked(settings):
    """Resilience (issue 13, finding 4): a connection the database dropped is reopened at the
    next request's start instead of costing it a 500."""
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_every_page_names_a_favicon_that_exists(client):
    """Issue 15, finding 16: no 404 for the icon on every page."""
    from django.contrib.staticfiles import finders

    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("favicon.svg") and finders.find("favicon.ico")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.ico"
