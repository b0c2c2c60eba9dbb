from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from places.models import Commune, Hub, Village
from places.services import hub_create, hub_update


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    """The official list comes from vietnam-provinces; the mountain and hardship flags change only
    through the places service, which re-scores the households they touch."""

    list_display = ["code", "name", "kind", "is_mountain", "is_extremely_difficult"]
    list_filter = ["kind", "is_mountain", "is_extremely_difficult"]
    search_fields = ["code", "name", "old_districts", "legacy_sources"]
    fields = [
        "code",
        "name",
        "kind",
        "is_mountain",
        "is_extremely_difficult",
        "flags_basis",
        "old_districts",
        "legacy_sources",
    ]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "commune"]
    list_filter = ["commune__is_mountain"]
    search_fields = ["name", "commune__name"]
    autocomplete_fields = ["commune"]


class HubForm(forms.ModelForm):
    def clean_name(self):
        """The service's rule, checked here so that the form shows it on the field."""
        name = self.cleaned_data["name"].strip()
        if Hub.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A hub with this name already exists."))
        return name


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    """Hubs are saved through places.services (names unique whatever their case, communes
    checked), as the API saves them."""

    form = HubForm
    list_display = ["name", "commune", "address", "phone", "is_active"]
    search_fields = ["name", "address"]
    filter_horizontal = ["serves"]
    autocomplete_fields = ["commune"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "commune": obj.commune_id,
            "address": data["address"],
            "phone": data["phone"],
            "serves": [commune.code for commune in data["serves"]],
        }
        if change:
            hub = hub_update(hub_id=obj.pk, is_active=data["is_active"], **fields)
        else:
            hub = hub_create(**fields)
            if not data["is_active"]:
                hub = hub_update(hub_id=hub.pk, is_active=False)
        obj.pk = hub.pk

    def save_related(self, request, form, formsets, change):
        """The service has set the communes served (the form's own save would do it again)."""
