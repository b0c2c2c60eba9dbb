"""The "where should it go?" part of the pledge and gift forms (services/places.py has the rule).

A donor — a native abroad most of all — picks their home province first; the commune list then
holds that province's communes (without JavaScript: the "Show its communes" button sends the
form back with the list filled, nothing saved). Then where the phone goes: where the need is
greatest, their home province, or their home commune, preferred or only.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from donations.services.places import WHERE

RULES = [("prefer", _("Prefer it")), ("only", _("Only there"))]
# The button that sends the form back to fill the commune list (no pledge is made).
PICK_PROVINCE = "pick_province"


def selected_province(data, provinces, default: str = "") -> str:
    """The province whose communes the form lists: the one sent, else `default`, else the only
    province the programme works in (else none)."""
    codes = [p.code for p in provinces]
    sent = (data or {}).get("province") or default
    if sent in codes:
        return sent
    return codes[0] if len(codes) == 1 else ""


class PlaceFields(forms.Form):
    province = forms.ChoiceField(
        label=_("Your home province"),
        required=False,
        help_text=_(
            "Natives abroad: choose your home province first, then your commune. A province "
            "that is not listed is not part of the programme yet."
        ),
    )
    commune = forms.ChoiceField(label=_("Your home commune (optional)"), required=False)
    # No answer ticked at first: a commune chosen then means that commune (as before provinces
    # were asked), none means where the need is greatest.
    where = forms.ChoiceField(
        label=_("Where should your phone go?"),
        choices=list(WHERE.items()),
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Left unanswered: your commune if you chose one, otherwise where the need is greatest."
        ),
    )
    rule = forms.ChoiceField(
        label=_("How strictly?"),
        choices=RULES,
        widget=forms.RadioSelect,
        initial="prefer",
        required=False,
        help_text=_("“Only” may make your phone wait longer if no household there is waiting."),
    )

    def __init__(self, *args, provinces=(), communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("— choose a province —"))] + [
            (p.code, p.name) for p in provinces
        ]
        self.fields["commune"].choices = [("", _("— no commune —"))] + [
            (c.code, c.name) for c in communes
        ]

    def clean(self):
        data = super().clean()
        where = data.get("where") or ("commune" if data.get("commune") else "need")
        data["where"] = where
        if where == "commune" and not data.get("commune"):
            self.add_error("commune", _("Choose your commune, or another answer above."))
        if where == "province" and not data.get("province"):
            self.add_error("province", _("Choose your province, or another answer above."))
        return data

    def place_kwargs(self) -> dict:
        """The service's commune_preference / province_preference (none: the need decides)."""
        data = self.cleaned_data
        strict = data.get("rule") == "only"
        if data["where"] == "commune":
            return {"commune_preference": {"commune": data["commune"], "strict": strict}}
        if data["where"] == "province":
            return {"province_preference": {"province": data["province"], "strict": strict}}
        return {}


def place_initial(pledge) -> dict:
    """A pledge's place as the form's initial values."""
    commune = pledge.commune_preference
    province = commune.province_id if commune else pledge.province_preference_id
    where = "commune" if commune else "province" if province else "need"
    return {
        "province": province or "",
        "commune": commune.code if commune else "",
        "where": where,
        "rule": "only" if pledge.preference_strict else "prefer",
    }


class GiftPlaceFields(forms.Form):
    """A gift goes to a province or where the need is greatest (services/places.py says why
    not to a commune)."""

    province = forms.ChoiceField(
        label=_("For"),
        required=False,
        help_text=_("Natives abroad: your home province. Empty: where the need is greatest."),
    )
    rule = forms.ChoiceField(
        label=_("How strictly?"),
        choices=[
            ("prefer", _("Its phones first")),
            ("only", _("Only its phones")),
        ],
        widget=forms.RadioSelect,
        initial="prefer",
        required=False,
    )

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", WHERE["need"])] + [
            (p.code, p.name) for p in provinces
        ]

    def place_kwargs(self) -> dict:
        data = self.cleaned_data
        if not data.get("province"):
            return {}
        return {
            "province_preference": {
                "province": data["province"],
                "strict": data.get("rule") == "only",
            }
        }
