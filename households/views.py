"""Officer and verifier pages: server-rendered, mobile first, no JavaScript needed. Thin: parse
a form, call a service or a selector, render; the rules live in households/services/."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from accounts.models import Role
from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict, Forbidden, apply_to_form
from households import selectors
from households.excel.export import xlsx_response
from households.forms import (
    FIELD_ALIASES,
    AnonymiseForm,
    AppealForm,
    ConsentForm,
    DecisionForm,
    FilterForm,
    HouseholdForm,
    ImportForm,
    NotRenewedForm,
    PublishForm,
    RenewalUploadForm,
    WithdrawForm,
)
from households.models import Household, HouseholdAccess, HouseholdImport
from households.services import editing, imports, privacy, renewal, verification
from places.models import Commune

STAFF = (Role.OFFICER, Role.VERIFIER)


def _apply(form, error: ApplicationError) -> None:
    error.fields = {FIELD_ALIASES.get(k, k): v for k, v in error.fields.items()}
    apply_to_form(form, error)


def _visible_communes(user):
    scope = scope_for(user)
    communes = Commune.objects.order_by("name")
    if scope.is_admin:
        return communes.filter(households__isnull=False).distinct()
    return communes.filter(code__in=scope.communes(*STAFF))


@staff_required(*STAFF)
def household_list(request):
    communes = list(_visible_communes(request.user))
    filters = FilterForm(request.GET or None, communes=communes)
    values = filters.cleaned_data if filters.is_valid() else {}
    households = selectors.household_list(
        user=request.user,
        commune=values.get("commune"),
        status=values.get("status"),
        q=values.get("q"),
    )
    page = Paginator(households, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "households/list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "communes": communes,
            "can_nominate": scope_for(request.user).has_role(Role.OFFICER),
        },
    )


@staff_required(Role.OFFICER)
def household_create(request):
    form = HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            household = editing.household_create(actor=request.user, **form.service_kwargs())
        except ApplicationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Household saved as a draft. Submit it when it is ready."))
            return redirect("households:detail", household.id)
    return render(request, "households/form.html", {"form": form, "household": None})


@staff_required(Role.OFFICER)
def household_edit(request, pk: int):
    household = selectors.household_get(user=request.user, household_id=pk)
    try:
        editing.check_editable(household, request.user)
    except Forbidden:
        raise PermissionDenied from None
    except Conflict as refused:
        messages.error(request, refused.message)
        return redirect("households:detail", pk)
    form = HouseholdForm(
        request.POST or None,
        user=request.user,
        household=household,
        initial=HouseholdForm.initial_for(household),
    )
    if request.method == "POST" and form.is_valid():
        try:
            editing.household_update(household_id=pk, actor=request.user, **form.service_kwargs())
        except ApplicationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("households:detail", pk)
    return render(request, "households/form.html", {"form": form, "household": household})


def _detail_context(request, household: Household, **extra) -> dict:
    scope = scope_for(request.user)
    near = []
    if household.status == Household.Status.SUBMITTED:
        near = list(verification.near_duplicates_of(household).select_related("village"))
    decision_form = extra.pop("decision_form", None) or DecisionForm()
    if not near:  # "why this is not a duplicate" is asked only of a flagged household
        decision_form.fields.pop("near_duplicate_reason", None)
    return {
        "household": household,
        "timeline": selectors.household_timeline(household=household),
        "consents": selectors.household_consents(household=household),
        "last_return": selectors.last_return(household=household),
        "near_duplicates": near,
        "is_officer": scope.covers_commune(household.commune_id, Role.OFFICER),
        "is_verifier": scope.covers_commune(household.commune_id, Role.VERIFIER),
        "worked_on": verification.has_worked_on(household, request.user),
        "decision_form": decision_form,
        "withdraw_form": extra.pop("withdraw_form", None) or WithdrawForm(),
        "anonymise_form": extra.pop("anonymise_form", None) or AnonymiseForm(),
        "appeal_form": extra.pop("appeal_form", None) or AppealForm(),
        "not_renewed_form": extra.pop("not_renewed_form", None) or NotRenewedForm(),
        "rejected_by_me": verification.rejected_by(household, request.user),
        "editable": household.status in editing.EDITABLE and not household.is_anonymised,
        **extra,
    }


@staff_required(*STAFF)
def household_detail(request, pk: int):
    household = selectors.household_get(user=request.user, household_id=pk)
    privacy.accesses_record(
        actor=request.user, household_ids=[pk], channel=HouseholdAccess.Channel.PAGE
    )
    return render(request, "households/detail.html", _detail_context(request, household))


def _action_failed(request, pk: int, error: ApplicationError, **forms):
    household = selectors.household_get(user=request.user, household_id=pk)
    for form in forms.values():
        if form is not None:
            _apply(form, error)
    context = _detail_context(request, household, action_error=error.message, **forms)
    return render(request, "households/detail.html", context, status=error.status)


@require_POST
@staff_required(Role.OFFICER)
def household_submit(request, pk: int):
    try:
        editing.household_submit(household_id=pk, actor=request.user)
    except ApplicationError as error:
        return _action_failed(request, pk, error)
    messages.success(request, _("Submitted for verification."))
    return redirect("households:detail", pk)


@require_POST
@staff_required(Role.VERIFIER)
def household_decide(request, pk: int):
    form = DecisionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    action = request.POST.get("action")
    try:
        if action == "verify":
            verification.household_verify(
                household_id=pk,
                actor=request.user,
                near_duplicate_reason=data.get("near_duplicate_reason", ""),
            )
            messages.success(request, _("Household verified."))
        elif action == "reject":
            verification.household_reject(
                household_id=pk, actor=request.user, reason=data.get("reason", "")
            )
            messages.success(request, _("Nomination rejected."))
        elif action == "request_changes":
            verification.household_request_changes(
                household_id=pk, actor=request.user, reason=data.get("reason", "")
            )
            messages.success(request, _("Returned to the officer for changes."))
        else:
            raise ApplicationError(_("Choose verify, reject or request changes."))
    except ApplicationError as error:
        return _action_failed(request, pk, error, decision_form=form)
    return redirect("households:queue")


@staff_required(Role.OFFICER)
def household_consent(request, pk: int):
    household = selectors.household_get(user=request.user, household_id=pk)
    form = ConsentForm(
        request.POST or None,
        initial={
            "processing": household.consent_processing,
            "share_story": household.consent_share_story,
            "share_photo": household.consent_share_photo,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            privacy.household_record_consent(
                household_id=pk, actor=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            error.fields = {
                {"consent": "processing", "consent_method": "method"}.get(k, k): v
                for k, v in error.fields.items()
            }
            apply_to_form(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("households:detail", pk)
    return render(request, "households/consent.html", {"form": form, "household": household})


# The erasing acts: their form (and its name on the detail page), the service, the fields it
# takes, the message of an incomplete form and the message of success.
ERASING_ACTS = {
    "withdraw": (
        WithdrawForm,
        "withdraw_form",
        privacy.household_withdraw_consent,
        ("method", "witness_name"),
        gettext_lazy("Confirm the withdrawal first."),
        gettext_lazy("Consent withdrawn: the household left the list and was anonymised."),
    ),
    "anonymise": (
        AnonymiseForm,
        "anonymise_form",
        privacy.household_anonymise,
        ("reason",),
        gettext_lazy("Describe the household's request."),
        gettext_lazy("The household's personal data were erased."),
    ),
}


def _erasing_act(request, pk: int, act: str):
    """Withdrawal and anonymisation: the form must be complete, then the service erases."""
    form_class, form_name, service, fields, incomplete, done = ERASING_ACTS[act]
    form = form_class(request.POST)
    if not form.is_valid():
        error = ApplicationError(str(incomplete), code="invalid")
        return _action_failed(request, pk, error, **{form_name: form})
    try:
        service(household_id=pk, actor=request.user, **{f: form.cleaned_data[f] for f in fields})
    except ApplicationError as error:
        return _action_failed(request, pk, error, **{form_name: form})
    messages.success(request, str(done))
    return redirect("households:detail", pk)


@require_POST
@staff_required(Role.OFFICER)
def household_withdraw(request, pk: int):
    return _erasing_act(request, pk, "withdraw")


@require_POST
@staff_required(*STAFF)
def household_anonymise(request, pk: int):
    return _erasing_act(request, pk, "anonymise")


@staff_required(*STAFF)
def household_personal_data(request, pk: int):
    selectors.household_get(user=request.user, household_id=pk)
    data = privacy.household_export_personal_data(household_id=pk, actor=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="ho-{pk}-du-lieu.json"'
    return response


@staff_required(Role.VERIFIER)
def verification_queue(request):
    households = selectors.verification_queue(user=request.user, commune=request.GET.get("commune"))
    page = Paginator(households, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for household in page:
        household.waiting_days = (today - timezone.localdate(household.waiting_since)).days
    return render(request, "households/queue.html", {"page": page})


@staff_required(Role.OFFICER)
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.household_import_upload(
                actor=request.user, content=upload.read(), file_name=upload.name
            )
        except ApplicationError as error:
            apply_to_form(form, error)
        else:
            return redirect("households:import_page", batch.id)
    status = 400 if form.errors else 200
    return render(request, "households/import.html", {"form": form}, status=status)


def _import_of(request, pk: int) -> HouseholdImport:
    batch = selectors.imports_of(user=request.user).filter(id=pk).first()
    if batch is None:
        raise Http404
    return batch


DRAFTS_LISTED = 500  # drafts of an import listed for submission at once


@staff_required(Role.OFFICER)
def import_page(request, pk: int):
    """One upload: its check's progress, then its preview (the rows read, or their errors),
    then, once imported, its drafts to submit together."""
    batch = _import_of(request, pk)
    S = HouseholdImport.Status
    context = {"batch": batch, "form": ImportForm(), "working": batch.status == S.CHECKING}
    report = batch.report or {}
    if batch.status in (S.PREVIEWED, S.DISCARDED):
        poverty = dict(Household.Poverty.choices)
        context["preview"] = [
            {**row, "poverty_label": poverty.get(row["poverty_status"], "")}
            for row in report.get("preview", [])
        ]
        context["errors"] = report.get("errors", [])
        context["problem"] = report.get("problem", "")
        context["valid"] = batch.status == S.PREVIEWED and not batch.error_count
    if batch.status == S.COMMITTED:
        drafts = selectors.households_visible_to(request.user).filter(
            import_batch=batch, status=Household.Status.DRAFT
        )
        context["drafts"] = list(drafts.select_related("village").order_by("id")[:DRAFTS_LISTED])
        context["draft_count"] = (
            drafts.count() if len(context["drafts"]) == DRAFTS_LISTED else (len(context["drafts"]))
        )
    return render(request, "households/import_detail.html", context)


@staff_required(Role.OFFICER)
def import_progress(request, pk: int):
    """How far the check of an upload is (polled by the page's script)."""
    batch = _import_of(request, pk)
    return JsonResponse(
        {
            "status": batch.status,
            "done": batch.status != HouseholdImport.Status.CHECKING,
            "rows_checked": batch.rows_checked,
        }
    )


@require_POST
@staff_required(Role.OFFICER)
def import_commit(request, pk: int):
    try:
        report = imports.household_import_commit(actor=request.user, import_id=pk)
    except ApplicationError as error:
        messages.error(request, error.message)
        if HouseholdImport.objects.filter(id=pk, uploaded_by=request.user).exists():
            return redirect("households:import_page", pk)
        return redirect("households:import")
    messages.success(
        request,
        _("%(n)s households imported as drafts. Submit them for verification below.")
        % {"n": report["created"]},
    )
    return redirect("households:import_page", pk)


@require_POST
@staff_required(Role.OFFICER)
def import_submit(request, pk: int):
    """Submit the ticked drafts of an import for verification, all at once."""
    _import_of(request, pk)
    try:
        result = editing.households_submit(
            household_ids=request.POST.getlist("households"), actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("households:import_page", pk)
    if result["submitted"]:
        messages.success(
            request,
            ngettext(
                "%(n)s household submitted for verification.",
                "%(n)s households submitted for verification.",
                len(result["submitted"]),
            )
            % {"n": len(result["submitted"])},
        )
    for refusal in result["refused"]:
        messages.error(request, f"#{refusal['id']}: {refusal['message']}")
    return redirect("households:import_page", pk)


@staff_required(Role.OFFICER)
def import_template(request):
    from households.excel.template import build_template

    return xlsx_response(build_template(user=request.user), "mau-nhap-ho-gia-dinh.xlsx")


@staff_required(*STAFF)
def commune_export(request, code: str):
    if not scope_for(request.user).covers_commune(code, *STAFF):
        raise Http404
    from households.excel.export import export_households

    households = list(selectors.commune_households_for_export(user=request.user, commune=code))
    privacy.accesses_record(
        actor=request.user,
        household_ids=[h.id for h in households],
        channel=HouseholdAccess.Channel.COMMUNE_EXPORT,
        data={"commune": code},
    )
    return xlsx_response(export_households(households), f"ho-gia-dinh-{code}.xlsx")


# --- appeals and the yearly renewal ----------------------------------------------------------


def _reasoned_act(request, pk: int, form_class, form_name: str, service, done: str):
    """An officer's act with a reason (an appeal, taking a household off the list)."""
    form = form_class(request.POST)
    if not form.is_valid():
        error = ApplicationError(_("Give a reason."), code="invalid")
        return _action_failed(request, pk, error, **{form_name: form})
    try:
        service(household_id=pk, actor=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        return _action_failed(request, pk, error, **{form_name: form})
    messages.success(request, done)
    return redirect("households:detail", pk)


@require_POST
@staff_required(Role.OFFICER)
def household_appeal(request, pk: int):
    done = _("Appeal sent: another verifier will decide.")
    return _reasoned_act(
        request, pk, AppealForm, "appeal_form", verification.household_appeal, done
    )


@require_POST
@staff_required(Role.OFFICER)
def household_not_renewed(request, pk: int):
    done = _("The household left the list.")
    return _reasoned_act(
        request, pk, NotRenewedForm, "not_renewed_form", renewal.household_not_renewed, done
    )


@staff_required(*STAFF)
def renewal_index(request):
    """The communes of my work with their latest poverty list and how many households wait for
    re-confirmation."""
    communes = list(selectors.renewal_communes(request.user)[:200])
    rows = selectors.renewal_summary([c.code for c in communes])
    return render(
        request,
        "households/renewal_index.html",
        {"rows": [(c, *rows.get(c.code, (None, 0))) for c in communes]},
    )


def _renewal_commune(request, commune: str) -> Commune:
    place = selectors.renewal_communes(request.user).filter(code=commune).first()
    if place is None:
        raise Http404
    return place


def _renewal_page(request, place: Commune, *, status: int = 200, **forms):
    scope = scope_for(request.user)
    households = list(selectors.lapsed_of(user=request.user, commune=place.code)[:1000])
    return render(
        request,
        "households/renewal.html",
        {
            "commune": place,
            "latest": renewal.latest_year(place.code),
            "lists": list(selectors.poverty_lists(user=request.user, commune=place.code)[:10]),
            "households": households,
            "is_officer": scope.covers_commune(place.code, Role.OFFICER),
            "is_publisher": scope.covers_commune(place.code, *renewal.PUBLISHING_ROLES),
            "publish_form": forms.get("publish_form") or PublishForm(),
            "upload_form": forms.get("upload_form") or RenewalUploadForm(),
            "report": forms.get("report"),
            "error": forms.get("error"),
        },
        status=status,
    )


@staff_required(*STAFF)
def renewal_page(request, commune: str):
    """GET: the commune's lists and its households to re-confirm. POST `publish` (a verifier or
    an admin): the list of a new year; POST `reconfirm` (an officer): the ticked households."""
    place = _renewal_commune(request, commune)
    if request.method != "POST":
        return _renewal_page(request, place)
    action = request.POST.get("action")
    try:
        if action == "publish":
            form = PublishForm(request.POST)
            if not form.is_valid():
                return _renewal_page(request, place, status=400, publish_form=form)
            published = renewal.poverty_list_publish(
                commune_code=place.code, year=form.cleaned_data["year"], actor=request.user
            )
            messages.success(
                request,
                _("The list of %(year)s is published: %(n)s households wait for re-confirmation.")
                % {"year": published.year, "n": published.flagged},
            )
        elif action == "reconfirm":
            ids = [int(i) for i in request.POST.getlist("households") if i.isdigit()]
            moved = renewal.households_reconfirm(household_ids=ids, actor=request.user)
            messages.success(request, _("%(n)s households re-confirmed.") % {"n": len(moved)})
        else:
            raise ApplicationError(_("Choose what to do."))
    except ApplicationError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        if error.status == 403:
            raise PermissionDenied from None
        return _renewal_page(request, place, status=error.status, error=error.message)
    return redirect("households:renewal", place.code)


@staff_required(Role.OFFICER)
def renewal_sheet(request, commune: str):
    from households.excel.renewal import renewal_sheet as build

    place = _renewal_commune(request, commune)
    households = list(selectors.lapsed_of(user=request.user, commune=place.code))
    privacy.accesses_record(
        actor=request.user,
        household_ids=[h.id for h in households],
        channel=HouseholdAccess.Channel.COMMUNE_EXPORT,
        data={"commune": place.code, "renewal": True},
    )
    return xlsx_response(build(households), f"xac-nhan-lai-{place.code}.xlsx")


@require_POST
@staff_required(Role.OFFICER)
def renewal_upload(request, commune: str):
    place = _renewal_commune(request, commune)
    form = RenewalUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _renewal_page(request, place, status=400, upload_form=form)
    upload = form.cleaned_data["file"]
    if upload.size > settings.HOUSEHOLD_IMPORT_MAX_BYTES:
        form.add_error("file", _("The file is too large."))
        return _renewal_page(request, place, status=400, upload_form=form)
    try:
        report = renewal.reconfirm_import(actor=request.user, content=upload.read())
    except ApplicationError as error:
        rows = getattr(error, "report", None)
        if rows is None:
            apply_to_form(form, error)
        return _renewal_page(
            request, place, status=error.status, upload_form=form, report=rows, error=error.message
        )
    messages.success(request, _("%(n)s households re-confirmed.") % {"n": len(report.confirmed)})
    return redirect("households:renewal", place.code)
