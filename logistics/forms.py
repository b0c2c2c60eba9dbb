"""Forms of the hub and handover pages. They only parse; the services check the rules. A form's
`arguments()` are the keyword arguments of its service (logistics.services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donations.models import Device
from logistics.models import (
    QA_CHECKS,
    QA_SETUP,
    WIPE_ACCOUNTS,
    DeliveryBatch,
    Handover,
    HandoverReturn,
    Rejection,
    SimCard,
    Ticket,
    WipeRecord,
)
from matching.models import Allocation


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "placeholder": "NS-…"}
        ),
    )


def _hub_field(hubs):
    return forms.ModelChoiceField(queryset=hubs, label=_("Hub"), empty_label=None)


class ServiceForm(forms.Form):
    # A field whose service keyword differs: field name → keyword.
    service_names: dict[str, str] = {}

    def arguments(self) -> dict:
        """The cleaned data as the service takes it: a chosen hub by its id, renamed fields."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name == "hub":
                name, value = "hub_id", getattr(value, "id", value)
            data[self.service_names.get(name, name)] = value
        return data


class ReceiveForm(ServiceForm):
    hub = forms.ModelChoiceField(queryset=None, label=_("Hub"), empty_label=None)
    imei = forms.CharField(
        label=_("IMEI"),
        max_length=20,
        help_text=_("15 digits: dial *#06# on the phone."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    condition = forms.ChoiceField(label=_("Condition"), choices=Device.Condition.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, hubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs


class WalkInForm(ReceiveForm):
    brand = forms.CharField(label=_("Brand"), max_length=60)
    model = forms.CharField(label=_("Model"), max_length=100)
    os = forms.ChoiceField(label=_("Operating system"), choices=Device.OS.choices)
    # Empty: not known. The bounds are the pledge's (donations: pledges.device_size_clean).
    ram_gb = forms.DecimalField(label=_("RAM (GB)"), max_digits=4, decimal_places=1, required=False)
    storage_gb = forms.IntegerField(label=_("Storage (GB)"), required=False)
    supports_4g = forms.BooleanField(label=_("Supports 4G"), required=False)
    supports_volte = forms.BooleanField(label=_("Supports VoLTE"), required=False)
    has_nfc = forms.BooleanField(label=_("Has NFC"), required=False)

    field_order = ["hub", "brand", "model", "os", "imei", "condition", "ram_gb", "storage_gb"]


class WipeForm(ServiceForm):
    method = forms.ChoiceField(label=_("Method"), choices=WipeRecord.Method.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, required_accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        for key in required_accounts:
            self.fields[key] = forms.BooleanField(label=WIPE_ACCOUNTS[key], required=False)
        self.order_fields(["method", *required_accounts, "notes"])

    def arguments(self) -> dict:
        accounts = {k: bool(self.cleaned_data.get(k)) for k in WIPE_ACCOUNTS if k in self.fields}
        return {
            "method": self.cleaned_data["method"],
            "accounts": accounts,
            "notes": self.cleaned_data["notes"],
        }


class RepairForm(ServiceForm):
    description = forms.CharField(label=_("What was repaired"), max_length=255)
    parts = forms.CharField(label=_("Parts"), max_length=255, required=False)
    cost_vnd = forms.IntegerField(label=_("Cost (VND)"), min_value=0, initial=0)
    book_to_fund = forms.BooleanField(label=_("Pay from the fund"), required=False)


class QAForm(ServiceForm):
    battery_health = forms.IntegerField(label=_("Battery health (%)"), min_value=0, max_value=100)
    nfc = forms.BooleanField(label=_("NFC works"), required=False)
    sim_iccid = forms.CharField(label=_("SIM ICCID (optional)"), max_length=30, required=False)
    sim_carrier = forms.ChoiceField(
        label=_("Carrier"), choices=[("", "—"), *SimCard.Carrier.choices], required=False
    )
    sim_plan_expires = forms.DateField(
        label=_("Data plan expires"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in {**QA_CHECKS, **QA_SETUP}.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)
        self.order_fields([*QA_CHECKS, "battery_health", "nfc", *QA_SETUP])

    def arguments(self) -> dict:
        data = self.cleaned_data
        sim = None
        if data.get("sim_iccid") or data.get("sim_carrier") or data.get("sim_plan_expires"):
            sim = {
                "iccid": data.get("sim_iccid", ""),
                "carrier": data.get("sim_carrier", ""),
                "plan_expires": data.get("sim_plan_expires"),
            }
        return {
            "checks": {k: bool(data.get(k)) for k in QA_CHECKS},
            "battery_health": data["battery_health"],
            "nfc": data["nfc"],
            "setup": {k: bool(data.get(k)) for k in QA_SETUP},
            "sim": sim,
            "notes": data["notes"],
        }


class RejectForm(ServiceForm):
    service_names = {"next": "next_step"}
    reason = forms.ChoiceField(label=_("Reason"), choices=Rejection.Reason.choices)
    next = forms.ChoiceField(label=_("Next step"), choices=Rejection.Next.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BatchForm(ServiceForm):
    """One batch for one group of waiting phones (logistics.selectors.batch_groups): its hub and
    commune are the group's (hidden), its phones the group's, all ticked to start with."""

    service_names = {"commune": "commune_code", "devices": "device_codes"}
    hub = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)
    commune = forms.ChoiceField(widget=forms.HiddenInput)
    devices = forms.MultipleChoiceField(label=_("Phones"), widget=forms.CheckboxSelectMultiple)
    planned_date = forms.DateField(
        label=_("Planned date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    carrier = forms.ChoiceField(label=_("Carried by"), choices=DeliveryBatch.Carrier.choices)
    carrier_name = forms.CharField(label=_("Carrier's name"), max_length=150, required=False)

    def __init__(self, *args, group: dict, **kwargs):
        codes = [phone["code"] for phone in group["phones"]]
        kwargs.setdefault("auto_id", f"id_{group['key']}_%s")
        initial = {"hub": group["hub_id"], "commune": group["commune"], "devices": codes}
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["hub"].choices = [(group["hub_id"], group["hub_name"])]
        self.fields["commune"].choices = [(group["commune"], group["commune_name"])]
        self.fields["devices"].choices = [(p["code"], p["label"]) for p in group["phones"]]


class HandoverForm(ServiceForm):
    received_by = forms.CharField(label=_("Received by (full name)"), max_length=150)
    relation = forms.ChoiceField(
        label=_("Relation to the head of household"), choices=Handover.Relation.choices
    )
    recipient_cccd_last4 = forms.CharField(
        label=_("Recipient's CCCD, last 4 digits"),
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    training_given = forms.BooleanField(label=_("First lesson given"), required=False)
    sim_iccid = forms.CharField(
        label=_("SIM ICCID (if a SIM was given)"), max_length=30, required=False
    )
    sim_phone = forms.CharField(
        label=_("SIM phone number (a code is sent to it by SMS)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    sms_consent = forms.BooleanField(
        label=_("The family agrees to get reminders by SMS at this number"), required=False
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    story = forms.CharField(
        label=_("Short story for the donor (no names)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo = forms.FileField(
        label=_("Photo"), required=False, widget=forms.FileInput(attrs={"accept": "image/*"})
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    cccd_override_reason = forms.CharField(
        label=_("CCCD digits do not match: why hand over anyway (coordinators only)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, household, may_override: bool = False, sim=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_override:
            del self.fields["cccd_override_reason"]
        if sim is not None and sim.iccid:  # recorded at QA: it follows the phone, not asked again
            del self.fields["sim_iccid"]
        if not household.consent_share_photo:
            del self.fields["photo"]
        if not household.consent_share_story:
            del self.fields["story"]


class FollowUpForm(ServiceForm):
    in_use = forms.TypedChoiceField(
        label=_("Is the phone in use?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    problems = forms.CharField(
        label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    problem_kind = forms.ChoiceField(
        label=_("Kind of problem (a problem opens a ticket)"),
        choices=[("", "—"), *Ticket.Kind.choices],
        required=False,
    )
    send_back = forms.BooleanField(label=_("Send the phone back to the hub"), required=False)


# --- recovery paths (logistics/services/recovery.py, tickets.py) ------------------------------


class ReleaseForm(ServiceForm):
    reason = forms.ChoiceField(label=_("Why"), choices=[], widget=forms.RadioSelect)
    household = forms.ChoiceField(
        label=_("The household"),
        required=False,
        choices=[
            ("", _("As the reason says (waits again only when the phone failed)")),
            ("waiting", _("Waits for another phone")),
            ("ineligible", _("Leaves the programme")),
        ],
        widget=forms.RadioSelect,
    )
    recheck = forms.BooleanField(
        label=_("Check the phone again before it is given (a new quality check)"), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            (r, Allocation.Reason(r).label) for r in Allocation.RELEASE_REASONS
        ]

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "household": data["household"] or None,
            "recheck": True if data["recheck"] else None,
            "notes": data["notes"],
        }


class LostForm(ServiceForm):
    last_seen = forms.CharField(
        label=_("Where was it last seen?"),
        max_length=255,
        help_text=_("E.g. “in the officer's bag on the road to Bản Cheng, 12/3”."),
    )
    reason = forms.CharField(
        label=_("What happened?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(ServiceForm):
    reason = forms.ChoiceField(
        label=_("Why does it come back?"),
        choices=HandoverReturn.Reason.choices,
        widget=forms.RadioSelect,
    )
    household = forms.ChoiceField(
        label=_("The household"),
        choices=HandoverReturn.HouseholdOutcome.choices,
        initial="waiting",
        widget=forms.RadioSelect,
        help_text=_("When the phone broke or is locked, the household is first in line."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TicketForm(ServiceForm):
    kind = forms.ChoiceField(label=pgettext_lazy("ticket", "Problem"), choices=Ticket.Kind.choices)
    description = forms.CharField(
        label=_("Describe the problem"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(ServiceForm):
    service_names = {"to": "to_user_id"}
    to = forms.TypedChoiceField(label=_("Owner"), coerce=int, choices=[])

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(u.id, u.get_full_name() or u.email) for u in owners]


class ResolveForm(ServiceForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Ticket.Outcome.choices, widget=forms.RadioSelect
    )
    resolution = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    household = forms.ChoiceField(
        label=_("If the phone comes back, the household"),
        required=False,
        choices=[
            ("", "—"),
            ("waiting", _("Waits for another phone")),
            ("ineligible", _("Leaves the programme")),
        ],
    )
