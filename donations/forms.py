"""Forms of the donation pages. They only parse; the rules live in the services package."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from donations import money
from donations.models import Device, Donor, Gift, HeldSettlement, Pledge
from donations.place_forms import GiftPlaceFields, PlaceFields
from donations.services.donors import country_choices

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class PledgeForm(PlaceFields):
    # Made when the form is shown, sent back with it: a double submit or a retry after an error
    # gets the first pledge, not a second one (core/idempotency.py).
    idempotency_key = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex
    )
    # Who (only asked when not signed in)
    name = forms.CharField(label=_("Your name or your organisation's"), max_length=150)
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send the tracking codes and a link to follow your phones here."),
    )
    kind = forms.ChoiceField(
        label=_("You give as"), choices=Donor.Kind.choices, initial="individual"
    )
    country = forms.ChoiceField(label=_("Country"), choices=country_choices, initial="VN")
    language = forms.ChoiceField(
        label=_("Emails in"), choices=[("vi", "Tiếng Việt"), ("en", "English")], initial="vi"
    )
    # The phone
    brand = forms.CharField(
        label=_("Brand"), max_length=60, widget=forms.TextInput(attrs={"placeholder": "Samsung"})
    )
    model = forms.CharField(
        label=_("Model"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "Galaxy A14 5G"}),
    )
    os = forms.ChoiceField(
        label=_("Operating system"), choices=Device.OS.choices, initial="android"
    )
    os_version = forms.CharField(
        label=_("OS version"),
        max_length=20,
        required=False,
        help_text=_("Settings → About phone. For example 13 (Android) or 17.2 (iOS)."),
    )
    # Empty: not known. The bounds are the service's (pledges.device_size_clean).
    ram_gb = forms.DecimalField(label=_("RAM (GB)"), max_digits=4, decimal_places=1, required=False)
    storage_gb = forms.IntegerField(label=_("Storage (GB)"), required=False)
    supports_4g = forms.ChoiceField(
        label=_("Does it have 4G (LTE)?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("Phones without 4G cannot be used in Vietnam any more."),
    )
    supports_volte = forms.ChoiceField(
        label=_("Does it support VoLTE (HD calls over 4G)?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("See “How do I check VoLTE?” below."),
    )
    has_nfc = forms.BooleanField(
        label=_("It has NFC (needed to read the chip ID card for VNeID)"), required=False
    )
    has_camera = forms.BooleanField(label=_("The camera works"), required=False, initial=True)
    condition = forms.ChoiceField(
        label=_("Condition"), choices=Device.Condition.choices, initial="good"
    )
    quantity = forms.IntegerField(
        label=_("How many identical phones?"),
        min_value=1,
        max_value=settings.DONATIONS_MAX_BATCH,
        initial=1,
        help_text=_("More than one only for new phones (for example a business's batch)."),
    )
    imei = forms.CharField(
        label=_("IMEI (optional)"),
        max_length=20,
        required=False,
        help_text=_("Dial *#06# to see it. 15 digits."),
    )
    # How it reaches us
    dropoff = forms.ChoiceField(
        label=_("How will the phone reach us?"),
        choices=Pledge.Dropoff.choices,
        widget=forms.RadioSelect,
        initial="hub",
    )
    hub = forms.ChoiceField(label=_("Hub"), required=False)
    pickup_address = forms.CharField(label=_("Pickup address"), max_length=255, required=False)
    pickup_window = forms.CharField(
        label=_("When may we pick it up?"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("weekdays 17:00–19:00")}),
    )
    # Where it goes: province, commune, where and rule (PlaceFields)
    public_name = forms.CharField(
        label=_("Name on the public honour roll (optional)"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to stay anonymous."),
    )

    def __init__(self, *args, signed_in: bool, hubs, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            for name in ("name", "email", "country", "language"):
                del self.fields[name]
        self.fields["hub"].choices = [("", _("— choose a hub —"))] + [
            (str(h.id), f"{h.name} — {h.address}") for h in hubs
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        device = {
            "brand": data["brand"],
            "model": data["model"],
            "os": data["os"],
            "os_version": data.get("os_version") or "",
            "ram_gb": data.get("ram_gb"),
            "storage_gb": data.get("storage_gb"),
            "supports_4g": data["supports_4g"] == "yes",
            "supports_volte": data["supports_volte"] == "yes",
            "has_nfc": data.get("has_nfc", False),
            "has_camera": data.get("has_camera", False),
            "condition": data["condition"],
            "imei": data.get("imei") or "",
            "quantity": data.get("quantity") or 1,
        }
        kwargs = {
            "devices": [device],
            "dropoff": data["dropoff"],
            "hub": data.get("hub") or None,
            "pickup_address": data.get("pickup_address", ""),
            "pickup_window": data.get("pickup_window", ""),
            **self.place_kwargs(),
            "public_name": data.get("public_name", ""),
        }
        if "email" in self.fields:
            kwargs["donor"] = {
                "name": data["name"],
                "email": data["email"],
                "kind": data["kind"],
                "country": data["country"],
                "language": data["language"],
            }
        else:
            kwargs["donor"] = {"kind": data["kind"]}
        return kwargs


class PledgeEditForm(PlaceFields):
    dropoff = forms.ChoiceField(
        label=_("How will the phone reach us?"),
        choices=Pledge.Dropoff.choices,
        widget=forms.RadioSelect,
    )
    hub = forms.ChoiceField(label=_("Hub"), required=False)
    pickup_address = forms.CharField(label=_("Pickup address"), max_length=255, required=False)
    pickup_window = forms.CharField(
        label=_("When may we pick it up?"), max_length=120, required=False
    )

    def __init__(self, *args, hubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].choices = [("", _("— choose a hub —"))] + [
            (str(h.id), f"{h.name} — {h.address}") for h in hubs
        ]


class PhotoForm(forms.Form):
    device = forms.ChoiceField(label=_("Phone"))
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, up to 10 MB. Location data is removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].choices = [
            (d.tracking_code, f"{d.tracking_code} {d.brand} {d.model}") for d in devices
        ]


class GiftForm(GiftPlaceFields):
    """The amount is typed as people write money (the currency's unit, the page language's signs)
    and converted here to the smallest unit the services take (`amount_minor`)."""

    method = forms.ChoiceField(
        label=_("How do you give?"),
        widget=forms.RadioSelect,
        initial="vietqr",
        choices=[
            ("vietqr", _("Bank transfer in Vietnam (VietQR)")),
            ("stripe", _("Card (from abroad)")),
        ],
    )
    currency = forms.ChoiceField(label=_("Currency (cards)"), initial="VND")
    amount = forms.CharField(
        label=_("Amount"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    purpose = forms.ChoiceField(label=_("For"), choices=Gift.Purpose.choices, initial="general")
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Email"))

    def __init__(self, *args, signed_in: bool, cards: bool, **kwargs):
        super().__init__(*args, **kwargs)
        table = settings.DONATIONS_CURRENCIES
        self.fields["currency"].choices = [(c, c) for c in table]
        with_cents = [c for c, (places, _min, _max) in table.items() if places]
        without = [c for c, (places, _min, _max) in table.items() if not places and c != "VND"]
        bank = money.format_major(500_000, "VND")
        if cards:
            self.fields["amount"].help_text = _(
                "Type it as you would write it, in the currency itself: for example %(bank)s "
                "(đồng, by bank transfer) or %(card)s (%(with_cents)s, by card; %(without)s have "
                "no cents)."
            ) % {
                "bank": bank,
                "card": money.format_major(5050, with_cents[0] if with_cents else "USD"),
                "with_cents": ", ".join(with_cents),
                "without": ", ".join(without),
            }
        else:
            # Card payments are off: they are not offered (the bank transfer is the one way).
            self.fields["method"].choices = [("vietqr", _("Bank transfer in Vietnam (VietQR)"))]
            self.fields["method"].widget = forms.HiddenInput()
            del self.fields["currency"]
            self.fields["amount"].label = _("Amount (đồng)")
            self.fields["amount"].help_text = _(
                "Type it as you would write it: for example %(bank)s."
            ) % {"bank": bank}
        if signed_in:
            del self.fields["name"]
            del self.fields["email"]

    def clean(self):
        data = super().clean()
        method = data.get("method")
        currency = "VND" if method == "vietqr" else data.get("currency")
        if currency and data.get("amount"):
            try:
                data["amount_minor"] = money.parse_major(data["amount"], currency)
            except ApplicationError as error:
                self.add_error("amount", error.message)
        return data


class StatementForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement (.csv or .xlsx)"),
        help_text=_(
            "Columns: date, amount, description (the transfer memo), reference. Vietnamese headers (Ngày, Số tiền, Nội dung, Mã giao dịch) work too."
        ),
    )


class HeldSettleForm(forms.Form):
    """A coordinator's decision about held statement money (donations.services.held)."""

    action = forms.ChoiceField(label=_("Decision"), choices=HeldSettlement.Action.choices)
    memo = forms.CharField(label=_("Memo of the waiting gift"), max_length=20, required=False)
    amount = forms.IntegerField(
        label=_("Amount (đồng)"),
        min_value=1,
        max_value=9_999_999_999_999,
        required=False,
        help_text=_("Empty: all that is still held."),
    )
    note = forms.CharField(
        label=_("Note (for a refund: the bank reference)"), max_length=255, required=False
    )


class EraseForm(forms.Form):
    """The confirmation step of a donor's erasure: it cannot be undone."""

    confirm = forms.BooleanField(
        label=_(
            "I understand: my name, email and public name are erased, I can no longer sign in, "
            "and this cannot be undone."
        ),
        required=True,
    )
