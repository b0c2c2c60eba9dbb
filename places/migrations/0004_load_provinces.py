from django.conf import settings
from django.db import migrations


def load(apps, schema_editor):
    """The 34 provinces (Quảng Trị active); each commune already here gets its province; the
    communes of the provinces settings.PLACES_LOAD_PROVINCES names are loaded (all by default)."""
    from places.loading import (
        HOME_PROVINCE,
        load_communes,
        load_provinces,
        official_provinces,
        official_units,
        wanted_provinces,
    )

    Province = apps.get_model("places", "Province")
    Commune = apps.get_model("places", "Commune")
    load_provinces(Province)
    province_of = {
        unit["code"]: row["code"] for row in official_provinces() for unit in official_units(row["code"])
    }
    for commune in Commune.objects.filter(province__isnull=True):
        commune.province_id = province_of.get(commune.code, HOME_PROVINCE)
        commune.save(update_fields=["province"])
    load_communes(Commune, wanted_provinces(getattr(settings, "PLACES_LOAD_PROVINCES", "all")))


class Migration(migrations.Migration):
    dependencies = [("places", "0003_province")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
