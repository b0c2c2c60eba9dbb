"""Field work without signal: the field app (one page that works offline once a batch was taken
to the field), its service worker and web app manifest, and settling the records the server
kept when it could not accept them. The rest of the site needs no JavaScript; this page does,
and says so without it (each handover can still be recorded online from the batch page)."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from logistics import selectors
from logistics.models import Handover
from logistics.services import field
from logistics.views.shared import field_staff_required, pressed

# The files the field page needs offline (besides the page itself), cached by the worker.
FIELD_ASSETS = [
    "css/app.css",
    "logistics/logistics.css",
    "logistics/field.css",
    "logistics/field.js",
]
ICONS = {"192x192": "logistics/field-icon-192.png", "512x512": "logistics/field-icon-512.png"}


def _strings() -> dict:
    """Every sentence the field app's script shows, in the page's language."""
    return {
        "online": _("Online."),
        "offline": _("No signal: handovers are saved on this device and sync when it is back."),
        "taking": _("Taking batch #%(batch)s to the field…"),
        "taken": _(
            "Batch #%(batch)s is on this device: %(phones)s phones. It works without signal "
            "until %(expires)s."
        ),
        "take_failed": _("The batch could not be taken to the field: %(reason)s"),
        "sign_in_again": _("Sign in again to take a batch or to sync."),
        "no_batches": _(
            "No batch is on this device. Open a batch's page while you have signal and choose "
            "“Take this batch to the field”."
        ),
        "expired": _("The field pack of batch #%(batch)s expired and was wiped from this device."),
        "wiped": _("Batch #%(batch)s is synced: its households were wiped from this device."),
        "phones_left": _("%(left)s of %(phones)s phones still to hand over · until %(expires)s"),
        "choose_phone": _("Choose a phone"),
        "household": _("Household: %(name)s, %(village)s"),
        "photo_consented": _("Photo allowed: the household consented."),
        "no_photo": _("No photo: the household did not consent."),
        "photo_ready": _("Photo resized on this device (%(kb)s KB)."),
        "photo_failed": _("The photo could not be read. Take it again."),
        "saved": _("Saved on this device. It syncs when there is signal."),
        "sync_now": _("Sync now"),
        "syncing": _("Syncing…"),
        "waiting": _("%(n)s waiting to sync"),
        "failed_count": _("%(n)s failed"),
        "nothing_waiting": _("Nothing is waiting to sync."),
        "state_waiting": _("Waiting to sync"),
        "state_synced": _("Synced"),
        "state_conflict": _("Not recorded"),
        "state_failed": _("Failed"),
        "no_network": _("No signal yet: it will sync when the network is back."),
        "server_error": _("The server did not answer (HTTP %(status)s). It will try again."),
        "recorded": _("Recorded %(at)s"),
        "handover_link": _("Handover record"),
        "retry": _("Try again"),
        "discard": _("Discard"),
        "discard_confirm": _(
            "Discard this record? It never reached the server, so the handover would be lost."
        ),
        "sign_out_confirm": _(
            "%(n)s handovers have not synced yet. They stay on this device until you sign in "
            "again and sync; the batches are wiped now. Sign out?"
        ),
        "need_phone": _("Choose the phone that was handed over."),
        "need_received_by": _("Write who received the phone."),
        "need_cccd": _("Write the last 4 digits of the recipient's CCCD."),
        "cccd_mismatch": _(
            "These are not the last 4 digits of this household's CCCD. Check the recipient's card."
        ),
        "cccd_override": _("Write why the handover goes ahead anyway."),
        "cccd_only_coordinator": _(
            "Only a coordinator of the hub can record a handover whose CCCD digits do not match."
        ),
        "bad_iccid": _("An ICCID has 18 to 22 digits (printed on the SIM card)."),
        "bad_phone": _(
            "Write the SIM's phone number: 10 digits starting with 0 (for example 0912 345 678)."
        ),
        "no_storage": _("This browser cannot keep records offline (no IndexedDB)."),
    }


@field_staff_required
def field_app(request):
    config = {
        "user": request.user.id,
        "lang": get_language(),
        "sw": reverse("logistics:field_sw"),
        "handovers": reverse("api:logistics-handovers"),
        "pack": reverse("api:logistics-batch-field-pack", args=[0]),
        "handover": reverse("logistics:handover", args=[0]),
        "logout": reverse("accounts:logout"),
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "strings": _strings(),
    }
    return render(
        request,
        "logistics/field.html",
        {"config": config, "relations": Handover.Relation.choices},
    )


def _asset_version(paths) -> str:
    """Changes with any file the worker caches (and with the worker itself): a new worker then
    replaces the old one and its cache."""
    digest = hashlib.sha256(get_template("logistics/field-sw.js").template.source.encode())
    for path in paths:
        digest.update(static(path).encode())
        found = finders.find(path)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


@require_GET
def field_service_worker(request):
    """The field app's service worker, at the site's root so that it sees sign-out (which wipes
    the packs). It caches the field page and its files, and nothing else of the site."""
    assets = [static(path) for path in FIELD_ASSETS]
    config = {
        "shell": reverse("logistics:field"),
        "assets": assets,
        "logout": reverse("accounts:logout"),
        "version": _asset_version(FIELD_ASSETS),
    }
    body = render_to_string("logistics/field-sw.js", {"config": json.dumps(config)})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def field_manifest(request):
    """The web app manifest of the field app (public: browsers fetch it without cookies)."""
    manifest = {
        "name": _("Nối Sóng — handovers in the field"),
        "short_name": _("Nối Sóng"),
        "lang": get_language(),
        "start_url": reverse("logistics:field"),
        "scope": reverse("logistics:field"),
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#0b4f6c",
        "icons": [
            {"src": static(path), "sizes": size, "type": "image/png"}
            for size, path in ICONS.items()
        ],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@field_staff_required
@require_POST
def conflict_settle(request, batch_id, conflict_id):
    batch = selectors.batch_get_for_staff(request.user, batch_id)
    pressed(
        request,
        _("Marked as settled."),
        field.conflict_settle,
        batch_id=batch.id,
        conflict_id=conflict_id,
        note=request.POST.get("note", ""),
        actor=request.user,
    )
    return redirect("logistics:batch", batch_id=batch.id)
