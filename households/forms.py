"""Forms of the officer and verifier pages. They only parse; the rules live in the services
(households/validation.py), whose messages the views put back on these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scoping import scope_for
from households.models import ConsentRecord, Household
from places.models import Commune, Village

NUMBER = {"inputmode": "numeric", "min": "0", "max": "50"}


def nomination_communes(user):
    scope = scope_for(user)
    communes = Commune.objects.order_by("name")
    if not scope.is_admin:
        communes = communes.filter(code__in=scope.communes(Role.OFFICER))
    return communes


class HouseholdForm(forms.Form):
    commune = forms.ChoiceField(label=_("Commune"))
    village = forms.ChoiceField(
        label=_("Village (thôn, bản)"),
        required=False,
        help_text=_(
            "Same name in the same village is shown to the verifier as a possible duplicate."
        ),
    )
    head_name = forms.CharField(
        label=_("Full name of the head of household"),
        max_length=150,
        help_text=_("As written on the citizen ID card, with diacritics."),
    )
    cccd = forms.CharField(
        label=_("Citizen ID (CCCD) number of the head"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "12 digits. Only a keyed fingerprint and the last 4 digits are stored, never the number."
        ),
    )
    members = forms.IntegerField(
        label=_("Members of the household"), widget=forms.NumberInput(NUMBER)
    )
    school_age_children = forms.IntegerField(
        label=_("School-age children"), initial=0, widget=forms.NumberInput(NUMBER)
    )
    elderly = forms.IntegerField(
        label=_("Elderly members"), initial=0, widget=forms.NumberInput(NUMBER)
    )
    disabled = forms.IntegerField(
        label=_("Members with disability"),
        initial=0,
        widget=forms.NumberInput(NUMBER),
        help_text=_("A count only: do not write diagnoses."),
    )
    poverty_status = forms.ChoiceField(
        label=_("Poverty status"),
        choices=Household.Poverty.choices,
        widget=forms.RadioSelect,
        help_text=_("As certified by the commune under the multidimensional poverty standard."),
    )
    poverty_certificate_no = forms.CharField(
        label=_("Certificate number"), required=False, max_length=50
    )
    poverty_certificate_year = forms.IntegerField(
        label=_("Certificate year"),
        required=False,
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )
    deprivations = forms.MultipleChoiceField(
        label=_("Information deprivations"),
        choices=Household.Deprivation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phone_situation = forms.ChoiceField(
        label=_("Phone situation"), choices=Household.PhoneSituation.choices
    )
    coverage_4g = forms.ChoiceField(
        label=_("4G coverage at home"),
        choices=Household.Coverage.choices,
        help_text=_("Try a call or a web page at the house if you can."),
    )
    need = forms.CharField(
        label=_("Why the household needs a phone"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("In your words. It is never shown to donors unless the household agrees."),
    )
    consent_processing = forms.BooleanField(
        label=_("The household agrees to the processing of its personal data"),
        required=False,
        help_text=_("Required before submitting. Silence is not consent."),
    )
    consent_method = forms.ChoiceField(
        label=_("How consent was given"),
        choices=ConsentRecord.Method.choices,
        required=False,
    )
    witness_name = forms.CharField(
        label=_("Witness"),
        required=False,
        max_length=150,
        help_text=_("Only when consent was given orally before a witness."),
    )
    consent_share_story = forms.BooleanField(
        label=_("…and to share an anonymised story with the donor"), required=False
    )
    consent_share_photo = forms.BooleanField(
        label=_("…and to share a photo with the donor"), required=False
    )

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
        kwargs = {
            key: data.get(key)
            for key in (
                "commune",
                "head_name",
                "cccd",
                "members",
                "school_age_children",
                "elderly",
                "disabled",
                "poverty_status",
                "poverty_certificate_no",
                "poverty_certificate_year",
                "deprivations",
                "phone_situation",
                "coverage_4g",
                "need",
            )
        }
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
        return {
            "commune": household.commune_id,
            "village": str(household.village_id or ""),
            "head_name": household.head_name,
            "members": household.members,
            "school_age_children": household.school_age_children,
            "elderly": household.elderly,
            "disabled": household.disabled,
            "poverty_status": household.poverty_status,
            "poverty_certificate_no": household.poverty_certificate_no,
            "poverty_certificate_year": household.poverty_certificate_year,
            "deprivations": household.deprivations,
            "phone_situation": household.phone_situation,
            "coverage_4g": household.coverage_4g,
            "need": household.need,
        }


# Service field names → form field names, where they differ.
FIELD_ALIASES = {"consent": "consent_processing"}


class ConsentForm(forms.Form):
    processing = forms.BooleanField(
        label=_("The household agrees to the processing of its personal data"), required=False
    )
    share_story = forms.BooleanField(
        label=_("…and to share an anonymised story with the donor"), required=False
    )
    share_photo = forms.BooleanField(
        label=_("…and to share a photo with the donor"), required=False
    )
    method = forms.ChoiceField(
        label=_("How consent was given"), choices=ConsentRecord.Method.choices
    )
    witness_name = forms.CharField(
        label=_("Witness"),
        required=False,
        max_length=150,
        help_text=_("Only when consent was given orally before a witness."),
    )


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
        help_text=_("Needed only when a household with the same name lives in the same village."),
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
