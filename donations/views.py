"""Pages of the donations app: pledging, my donations, public tracking, gifts, reconciliation.
Server-rendered, mobile first, no JavaScript needed."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.scoping import scope_for
from core import idempotency, ratelimit
from core.errors import ApplicationError, NotFound, apply_to_form
from core.media import private_file_response
from core.pdf import pdf_response
from donations import documents, money, selectors, stripe_client, vietqr
from donations.forms import (
    EraseForm,
    GiftForm,
    HeldSettleForm,
    PhotoForm,
    PledgeEditForm,
    PledgeForm,
    StatementForm,
)
from donations.lifecycle import steps_ahead
from donations.models import Gift, HeldSettlement, StatementImport
from donations.papers import with_papers
from donations.place_forms import PICK_PROVINCE, place_initial, selected_province
from donations.services.claims import donor_claim_confirm, donor_claim_get
from donations.services.gifts import gift_checkout_start, gift_vietqr_create, stripe_webhook_receive
from donations.services.held import held_report, held_settle
from donations.services.photos import device_photo_add
from donations.services.pledges import pledge_cancel as cancel_pledge  # the view has the name
from donations.services.pledges import pledge_create, pledge_update
from donations.services.privacy import donor_erase, donor_personal_data
from donations.services.statements import statement_reconcile

# Service error fields → form field names.
FIELD_ALIASES = {
    "donor.name": "name",
    "donor.email": "email",
    "donor.kind": "kind",
    "commune_preference.commune": "commune",
    "province_preference.province": "province",
    "devices": "quantity",
}


def _apply(form, error: ApplicationError) -> None:
    fields = {}
    for key, msgs in error.fields.items():
        name = FIELD_ALIASES.get(key) or key.split(".")[-1]
        fields.setdefault(name, []).extend(msgs)
    apply_to_form(form, ApplicationError(error.message, code=error.code, fields=fields))


def _user(request):
    return request.user if request.user.is_authenticated else None


def rate_limit(request, scope: str, email: str = "") -> None:
    """Counts one pledge or gift attempt per client address and per account (or email);
    raises ratelimit.RateLimited (429) past settings.RATE_LIMITS[scope]. Used by the API too."""
    keys = [f"ip:{ratelimit.client_ip(request)}"]
    if request.user.is_authenticated:
        keys.append(f"user:{request.user.pk}")
    elif email:
        keys.append(f"email:{email.strip().lower()}")
    ratelimit.hit(scope, *keys)


def _render_limited(request, template: str, context: dict, limited) -> HttpResponse:
    context["form"].add_error(None, limited.message)
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


def _places(data, default: str = "") -> dict:
    """The provinces a donor may choose and the communes of the one chosen (place_forms)."""
    provinces = list(selectors.provinces_for_choice())
    code = selected_province(data, provinces, default)
    return {"provinces": provinces, "communes": list(selectors.communes_for_choice(code))}


def pledge_new(request):
    hubs = list(selectors.hubs_for_pledging())
    signed_in = request.user.is_authenticated
    initial = {"language": (get_language() or "vi")[:2]}
    picking = PICK_PROVINCE in request.POST  # "Show its communes": the form again, filled
    form = PledgeForm(
        None if picking else (request.POST or None),
        signed_in=signed_in,
        hubs=hubs,
        initial={**initial, **request.POST.dict()} if picking else initial,
        **_places(request.POST or request.GET),
    )
    context = {"form": form, "hubs": hubs, "recycling_url": settings.DONATIONS_RECYCLING_URL}
    if request.method == "POST" and not picking and form.is_valid():
        try:
            rate_limit(request, "pledge", form.cleaned_data.get("email") or "")
        except ratelimit.RateLimited as limited:
            return _render_limited(request, "donations/pledge_new.html", context, limited)
        try:
            pledged = _pledge_once(request, form)
        except ApplicationError as error:
            _apply(form, error)
        else:
            for warning in pledged["warnings"]:
                messages.warning(request, warning)
            if signed_in:
                messages.success(request, _("Thank you! Your pledge is registered."))
                return redirect("donations:pledge", pledged["pledge"])
            request.session["donations_last_pledge"] = pledged["pledge"]
            return redirect("donations:thanks")
    return render(request, "donations/pledge_new.html", context)


def _pledge_once(request, form) -> dict:
    """The pledge of this form, made once per form shown: a second submit of the same form (a
    double click, a retry after a lost answer) gets the first pledge back."""

    def create() -> tuple[int, dict]:
        result = pledge_create(actor=_user(request), **form.service_kwargs())
        return 201, {"pledge": result.pledge.id, "warnings": [str(w) for w in result.warnings]}

    key = form.cleaned_data.get("idempotency_key")
    if not key:
        return create()[1]
    sent = {k: v for k, v in request.POST.lists() if k not in ("csrfmiddlewaretoken",)}
    _status, body, _replayed = idempotency.once(
        scope=idempotency.scope_of(request),
        key=key,
        body_fingerprint=idempotency.fingerprint(sent),
        run=create,
    )
    return body


def pledge_thanks(request):
    from donations.models import Pledge

    pledge_id = request.session.get("donations_last_pledge")
    pledge = (
        Pledge.objects.select_related("hub__commune", "donor")
        .prefetch_related("devices")
        .filter(id=pledge_id)
        .first()
        if pledge_id
        else None
    )
    if pledge is None:
        return redirect("donations:pledge_new")
    post_hubs = (
        list(selectors.hubs_for_pledging())
        if pledge.dropoff == "post" and not pledge.hub_id
        else []
    )
    return render(
        request, "donations/pledge_thanks.html", {"pledge": pledge, "post_hubs": post_hubs}
    )


def ledger(request):
    """The public fund ledger (Decree 93/2021: charity funds are disclosed): totals per currency
    and the latest entries, each spend with the phones it paid for. No donor names."""
    data = selectors.ledger_public()
    return render(request, "donations/ledger.html", data)


def recycling(request):
    return render(request, "donations/recycling.html")


@login_required
def mine(request):
    pledges = with_papers(list(selectors.pledge_list_for_donor(user=request.user)))
    gifts = list(selectors.gift_list_for_donor(user=request.user))
    for gift in gifts:
        gift.display_amount = money.format_amount(gift.amount, gift.currency)
    return render(request, "donations/mine.html", {"pledges": pledges, "gifts": gifts})


def _pledge_or_404(request, pledge_id):
    try:
        return selectors.pledge_get_for_donor(user=request.user, pledge_id=pledge_id)
    except NotFound:
        raise Http404 from None


@login_required
def pledge_detail(request, pledge_id: int):
    pledge = with_papers([_pledge_or_404(request, pledge_id)])[0]
    hubs = list(selectors.hubs_for_pledging())
    place = place_initial(pledge)
    editing = request.POST.get("form") == "edit"
    picking = editing and PICK_PROVINCE in request.POST
    devices = pledge.device_list
    editable = pledge.status == "open" and all(d.status == "pledged" for d in devices)
    initial = {
        "dropoff": pledge.dropoff,
        "hub": pledge.hub_id,
        "pickup_address": pledge.pickup_address,
        "pickup_window": pledge.pickup_window,
        **place,
    }
    edit_form = PledgeEditForm(
        request.POST if editing and not picking else None,
        hubs=hubs,
        initial={**initial, **request.POST.dict()} if picking else initial,
        **_places(request.POST if editing else {}, place["province"]),
    )
    photo_form = PhotoForm(
        request.POST if request.POST.get("form") == "photo" else None,
        request.FILES or None,
        devices=devices,
    )
    if request.method == "POST" and editing and not picking and edit_form.is_valid():
        data = edit_form.cleaned_data
        place_kwargs = edit_form.place_kwargs()
        try:
            pledge_update(
                pledge_id=pledge.id,
                actor=request.user,
                dropoff=data["dropoff"],
                hub=data.get("hub") or None,
                pickup_address=data.get("pickup_address", ""),
                pickup_window=data.get("pickup_window", ""),
                clear_preference=not place_kwargs,
                **place_kwargs,
            )
        except ApplicationError as error:
            _apply(edit_form, error)
        else:
            messages.success(request, _("Your pledge is updated."))
            return redirect("donations:pledge", pledge.id)
    if request.method == "POST" and request.POST.get("form") == "photo" and photo_form.is_valid():
        try:
            device_photo_add(
                pledge_id=pledge.id,
                tracking_code=photo_form.cleaned_data["device"],
                image=photo_form.cleaned_data["image"],
                actor=request.user,
            )
        except ApplicationError as error:
            _apply(photo_form, error)
        else:
            messages.success(request, _("Photo added. Its location data was removed."))
            return redirect("donations:pledge", pledge.id)
    return render(
        request,
        "donations/pledge_detail.html",
        {
            "pledge": pledge,
            "devices": devices,
            "editable": editable,
            "edit_form": edit_form,
            "photo_form": photo_form,
        },
    )


def _papers_of(request, pledge_id):
    """The pledge and its phones for its papers, or None when the visitor must sign in first;
    404 for anyone else's pledge."""
    session_pledge = request.session.get("donations_last_pledge")
    if not request.user.is_authenticated and str(session_pledge) != str(pledge_id):
        return None
    try:
        return selectors.pledge_for_papers(
            user=request.user, pledge_id=pledge_id, session_pledge=session_pledge
        )
    except NotFound:
        raise Http404 from None


def _language(request, pledge) -> str:
    return pledge.donor.language or (get_language() or "vi")[:2]


def pledge_codes_pdf(request, pledge_id: int):
    """The printable sheet of the pledge's tracking codes."""
    found = _papers_of(request, pledge_id)
    if found is None:
        return redirect_to_login(request.get_full_path())
    pledge, devices = found
    content = documents.pledge_codes_pdf(pledge, devices, language=_language(request, pledge))
    return pdf_response(content, f"noi-song-ma-theo-doi-{pledge.id}.pdf")


def pledge_codes_csv(request, pledge_id: int):
    """The pledge's tracking codes as CSV."""
    found = _papers_of(request, pledge_id)
    if found is None:
        return redirect_to_login(request.get_full_path())
    pledge, devices = found
    response = HttpResponse(
        documents.pledge_codes_csv(devices), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="noi-song-ma-theo-doi-{pledge.id}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def pledge_labels(request, pledge_id: int):
    """The QR label sheet of the pledge's phones, for donors who print labels themselves."""
    found = _papers_of(request, pledge_id)
    if found is None:
        return redirect_to_login(request.get_full_path())
    pledge, devices = found
    content = documents.pledge_labels_pdf(devices, language=_language(request, pledge))
    return pdf_response(content, f"noi-song-tem-{pledge.id}.pdf")


@login_required
def pledge_photo(request, pledge_id: int, photo_id: int):
    """A photo of the donor's own phone (a private file); `?size=thumb` for its thumbnail."""
    try:
        photo = selectors.device_photo_for_donor(
            user=request.user, pledge_id=pledge_id, photo_id=photo_id
        )
    except NotFound:
        raise Http404 from None
    return private_file_response(photo.file_of_size(request.GET.get("size", "")))


@login_required
@require_POST
def pledge_cancel(request, pledge_id: int):
    _pledge_or_404(request, pledge_id)
    try:
        cancel_pledge(pledge_id=pledge_id, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your pledge is cancelled. Thank you for thinking of us."))
    return redirect("donations:pledge", pledge_id)


@login_required
def claim_confirm(request, token: str):
    """The link emailed to the address an anonymous pledge or gift named: the account's owner,
    signed in, sees what was given in their address's name and confirms it is theirs."""
    try:
        claim = donor_claim_get(token=token, actor=request.user)
        if request.method == "POST":
            donor_claim_confirm(token=token, actor=request.user)
            messages.success(request, _("Thank you! It is now among your donations."))
            return redirect("donations:mine")
    except ApplicationError as error:
        return render(
            request, "donations/claim_refused.html", {"message": error.message}, status=error.status
        )
    return render(request, "donations/claim_confirm.html", selectors.claim_held(claim=claim))


@login_required
def personal_data(request):
    """What we hold about the signed-in account, shown, with the same as a JSON download."""
    data = donor_personal_data(user=request.user)
    return render(request, "donations/personal_data.html", {"data": data})


@login_required
def personal_data_json(request):
    data = donor_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="noi-song-du-lieu-cua-toi.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def erase(request):
    """Erase my data: a page saying what goes and what stays, a box to tick, then the erasure;
    the account is signed out and can no longer sign in."""
    form = EraseForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            donor_erase(user=request.user, confirm=form.cleaned_data["confirm"])
        except ApplicationError as error:
            apply_to_form(form, error)
        else:
            logout(request)
            return render(request, "donations/erased.html")
    return render(
        request, "donations/erase.html", {"form": form}, status=400 if form.errors else 200
    )


def _staff_handles(user, device) -> bool:
    scope = scope_for(user)
    if scope.is_admin:
        return True
    if not scope.has_role("coordinator"):
        return False
    if device.hub_id is not None:
        return scope.covers_hub(device.hub_id)
    # A pledged phone not yet at a hub: the hub its donor named, or any hub when none was named.
    pledge_hub = device.pledge.hub_id if device.pledge_id else None
    return device.status == "pledged" and (pledge_hub is None or scope.covers_hub(pledge_hub))


def track(request, code: str):
    try:
        ratelimit.hit_for("track", request)
    except ratelimit.RateLimited as limited:
        response = render(
            request, "donations/track_missing.html", {"limited": limited.message}, status=429
        )
        response["Retry-After"] = str(limited.retry_after)
        return response
    try:
        device = selectors.device_public(tracking_code=code)
    except NotFound:
        return render(request, "donations/track_missing.html", {"code": code}, status=404)
    if "public" not in request.GET and _staff_handles(request.user, device):
        # A label's QR opens the hub's work page for the staff who handle the phone. The page is
        # reached by its URL name: logistics sits above donations and is not imported here.
        return redirect(reverse("logistics:device", args=[device.tracking_code]))
    return render(
        request,
        "donations/track.html",
        {
            "device": device,
            "events": list(device.events.all()),
            "ahead": steps_ahead(device.status),
            "outcome": selectors.public_outcome(device),
        },
    )


def track_lookup(request):
    code = (request.GET.get("code") or "").strip().upper()
    if code:
        return redirect("donations:track", code)
    return render(request, "donations/track_missing.html", {"code": ""})


def gift_new(request):
    signed_in = request.user.is_authenticated
    stripe_on = stripe_client.is_configured()
    form = GiftForm(
        request.POST or None,
        signed_in=signed_in,
        cards=stripe_on,
        provinces=list(selectors.provinces_for_choice()),
    )
    context = {"form": form, "stripe_on": stripe_on}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rate_limit(request, "gift_checkout", data.get("email") or "")
        except ratelimit.RateLimited as limited:
            return _render_limited(request, "donations/gift_new.html", context, limited)
        common = {
            "actor": _user(request),
            "amount": data["amount_minor"],  # the form converted it to the smallest unit
            "purpose": data["purpose"],
            "email": data.get("email", ""),
            "name": data.get("name", ""),
            "language": (get_language() or "vi")[:2],
            **form.place_kwargs(),
        }
        try:
            if data["method"] == "stripe":
                gift = gift_checkout_start(currency=data["currency"], **common)
                return redirect(gift.checkout_url)
            gift = gift_vietqr_create(**common)
            return redirect("donations:vietqr", gift.memo)
        except ApplicationError as error:
            _apply(form, error)
    return render(request, "donations/gift_new.html", context)


def gift_success(request):
    return render(request, "donations/gift_done.html", {"ok": True})


def gift_cancel(request):
    return render(request, "donations/gift_done.html", {"ok": False})


def _vietqr_gift(memo: str) -> Gift:
    gift = Gift.objects.filter(method="vietqr", memo=memo).first()
    if gift is None:
        raise Http404
    return gift


def vietqr_page(request, memo: str):
    gift = _vietqr_gift(memo)
    return render(
        request,
        "donations/vietqr.html",
        {
            "gift": gift,
            "amount": money.format_amount(gift.amount, "VND"),
            "payload": vietqr.programme_payload(amount=gift.amount, memo=gift.memo),
            "bank_name": settings.VIETQR_BANK_NAME,
            "account_no": settings.VIETQR_ACCOUNT_NO,
            "account_name": settings.VIETQR_ACCOUNT_NAME,
        },
    )


def vietqr_png(request, memo: str):
    gift = _vietqr_gift(memo)
    data = vietqr.png(vietqr.programme_payload(amount=gift.amount, memo=gift.memo))
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        stripe_webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature")
        )
    except stripe_client.InvalidWebhook:
        return HttpResponseBadRequest("invalid signature")
    except ApplicationError as error:  # signed but malformed: kept for review, Stripe sees a 400
        body = {"error": {"code": error.code, "message": error.message, "fields": error.fields}}
        return JsonResponse(body, status=error.status)
    return HttpResponse("ok")


def _coordinator_or_404(request) -> None:
    if not scope_for(request.user).has_role("coordinator"):
        raise Http404


@login_required
def statements(request):
    _coordinator_or_404(request)
    form = StatementForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = statement_reconcile(
                content=upload.read(), filename=upload.name, actor=request.user
            )
        except ApplicationError as error:
            _apply(form, error)
        else:
            if result.status != StatementImport.Status.DONE:
                return redirect("donations:statement", statement_id=result.id)
    history = list(selectors.statement_list(user=request.user)[:20])
    pending = Gift.objects.filter(method="vietqr", status="pending").count()
    held_waiting = selectors.held_money_list(user=request.user, status="held").count()
    return render(
        request,
        "donations/statements.html",
        {
            "form": form,
            "result": result,
            "report": held_report(result) if result else None,
            "history": history,
            "pending": pending,
            "held_waiting": held_waiting,
        },
    )


@login_required
def statement_detail(request, statement_id: int):
    """One statement's report; while the worker reconciles a long one, how far it got (the page
    refreshes itself until it is done)."""
    _coordinator_or_404(request)
    statement = get_object_or_404(selectors.statement_list(user=request.user), pk=statement_id)
    return render(
        request,
        "donations/statement_detail.html",
        {"result": statement, "report": held_report(statement)},
    )


@login_required
def held_money(request):
    """Held statement money: each waits for a coordinator's decision (pay a waiting gift, keep as
    a general gift, or record that it was sent back)."""
    _coordinator_or_404(request)
    status = request.GET.get("status", "held")
    errors = {}
    if request.method == "POST":
        form = HeldSettleForm(request.POST)
        held_id = request.POST.get("held")
        if form.is_valid() and str(held_id or "").isdigit():
            try:
                held_settle(held_id=int(held_id), actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                errors[int(held_id)] = error
            else:
                messages.success(request, _("Your decision is recorded."))
                return redirect(f"{reverse('donations:held_money')}?status={status}")
        else:
            errors[int(held_id) if str(held_id or "").isdigit() else 0] = form
    items = list(selectors.held_money_list(user=request.user, status=status)[:200])
    for item in items:
        item.error = errors.get(item.id)
    return render(
        request,
        "donations/held_money.html",
        {"items": items, "status": status, "actions": HeldSettlement.Action.choices},
    )
