"""Forms of the officer and verifier pages. They only parse; the rules live in the services
(households/validation.py), whose messages the views put back on these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from households.fields import FACT_NAMES, HOUSEHOLD_FIELDS, HouseholdField, Kind
from households.models import ConsentRecord, Household
from households.selectors import nomination_communes
from places.models import Village

NUMBER = {"inputmode": "numeric", "min": "0", "max": "50"}


# What the form adds to the declared fields (households/fields.py), by field.
FORM_OPTIONS = {
    "head_name": {"max_length": 150},
    "cccd": {
        "max_length": 20,
        "widget": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    },
    "members": {"initial": None},
    "poverty_status": {"widget": forms.RadioSelect},
    "poverty_certificate_no": {"max_length": 50},
    "need": {"widget": forms.Textarea({"rows": 3})},
}


def form_field(f: HouseholdField) -> forms.Field:
    """The form field of a declared household field, by its kind."""
    options = {"label": f.label, **({"help_text": f.help_text} if f.help_text else {})}
    options.update(FORM_OPTIONS.get(f.name, {}))
    if f.kind == Kind.COUNT:
        return forms.IntegerField(**{"initial": 0, "widget": forms.NumberInput(NUMBER), **options})
    if f.kind == Kind.YEAR:
        widget = forms.NumberInput({"inputmode": "numeric"})
        return forms.IntegerField(required=False, widget=widget, **options)
    if f.kind == Kind.CHOICE:
        return forms.ChoiceField(choices=f.choices.choices, **options)
    if f.kind == Kind.MULTI:
        widget = forms.CheckboxSelectMultiple
        return forms.MultipleChoiceField(
            choices=f.choices.choices, required=False, widget=widget, **options
        )
    if f.kind in (Kind.COMMUNE, Kind.VILLAGE):
        # Choices: the communes the officer covers and their villages, set per form.
        return forms.ChoiceField(required=f.kind == Kind.COMMUNE, **options)
    return forms.CharField(required=f.kind != Kind.OPTIONAL_TEXT, **options)


# The household's fields, in the declared order; the consent fields follow (HouseholdForm).
_HouseholdFields = type(
    "_HouseholdFields", (forms.Form,), {f.name: form_field(f) for f in HOUSEHOLD_FIELDS}
)


CONSENT_LABELS = {
    "processing": _("The household agrees to the processing of its personal data"),
    "share_story": _("…and to share an anonymised story with the donor"),
    "share_photo": _("…and to share a photo with the donor"),
    "method": _("How consent was given"),
    "witness_name": _("Witness"),
}


def consent_field(purpose: str, **options) -> forms.Field:
    """One field of a household's consent, for the nomination form and the consent page."""
    label = CONSENT_LABELS[purpose]
    if purpose == "method":
        return forms.ChoiceField(label=label, choices=ConsentRecord.Method.choices, **options)
    if purpose == "witness_name":
        help_text = _("Only when consent was given orally before a witness.")
        return forms.CharField(label=label, required=False, max_length=150, help_text=help_text)
    return forms.BooleanField(label=label, required=False, **options)


class HouseholdForm(_HouseholdFields):
    consent_processing = consent_field(
        "processing", help_text=_("Required before submitting. Silence is not consent.")
    )
    consent_method = consent_field("method", required=False)
    witness_name = consent_field("witness_name")
    consent_share_story = consent_field("share_story")
    consent_share_photo = consent_field("share_photo")

    CONSENT_FIELDS = (
        "consent_processing",
        "consent_method",
        "witness_name",
        "consent_share_story",
        "consent_share_photo",
    )

    def __init__(self, *args, user, household: Household | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        communes = list(nomination_communes(user))
        self.fields["commune"].choices = [(c.code, c.name) for c in communes]
        villages = Village.objects.filter(commune__in=communes).select_related("commune")
        self.fields["village"].choices = [("", "—")] + [
            (str(v.id), f"{v.name} — {v.commune.name}") for v in villages
        ]
        if household is not None:
            self.fields["cccd"].required = False
            self.fields["cccd"].help_text = _(
                "Leave empty to keep the stored number ending in %(last4)s."
            ) % {"last4": household.cccd_last4}
            # Consent changes have their own page, with their own record.
            for name in self.CONSENT_FIELDS:
                del self.fields[name]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {key: data.get(key) for key in ("commune", *FACT_NAMES)}
        kwargs["village"] = data.get("village") or None
        if self.household is not None:
            if not kwargs["cccd"]:
                del kwargs["cccd"]
        else:
            kwargs["consent"] = {
                "processing": data.get("consent_processing"),
                "share_story": data.get("consent_share_story"),
                "share_photo": data.get("consent_share_photo"),
                "method": data.get("consent_method") or None,
                "witness_name": data.get("witness_name"),
            }
        return kwargs

    @staticmethod
    def initial_for(household: Household) -> dict:
        initial = {"commune": household.commune_id, "village": str(household.village_id or "")}
        initial.update({key: getattr(household, key) for key in FACT_NAMES if key != "cccd"})
        return initial


# Service field names → form field names, where they differ.
FIELD_ALIASES = {"consent": "consent_processing"}


class ConsentForm(forms.Form):
    processing = consent_field("processing")
    share_story = consent_field("share_story")
    share_photo = consent_field("share_photo")
    method = consent_field("method")
    witness_name = consent_field("witness_name")


class WithdrawForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How the withdrawal was given"), choices=ConsentRecord.Method.choices
    )
    witness_name = forms.CharField(label=_("Witness"), required=False, max_length=150)
    confirm = forms.BooleanField(
        label=_("I understand: the household leaves the list and its personal data are erased."),
        required=True,
    )


class DecisionForm(forms.Form):
    near_duplicate_reason = forms.CharField(
        label=_("Why this is not a duplicate"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=_(
            "A household with the same name lives in the same village: say why this is another."
        ),
    )
    reason = forms.CharField(
        label=_("Reason (for rejecting or returning)"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("The officer reads it and corrects the nomination."),
    )


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Request"),
        max_length=500,
        help_text=_("E.g. the date and form of the household's deletion request."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Use the template: its headers and drop-down values are checked."),
    )


class FilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Name, household number or last 4 digits of the CCCD."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *list(Household.Status.choices)]
        self.fields["commune"].choices = [("", _("All"))] + [(c.code, c.name) for c in communes]


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the household should be reconsidered"),
        max_length=2000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Another verifier reads it and decides."),
    )


class NotRenewedForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is not on the new list"),
        max_length=500,
        help_text=_("E.g. “no longer poor at the 2026 review”."),
    )


class PublishForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year of the new poverty list"),
        min_value=2000,
        max_value=2100,
        help_text=_(
            "Households whose certificate is older wait for the officer's re-confirmation and "
            "are not matched meanwhile."
        ),
    )


class RenewalUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Re-confirmation sheet (.xlsx)"),
        help_text=_("Download the sheet above, write x for each household on the new list."),
    )
