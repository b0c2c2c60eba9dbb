from django.db import migrations


def load(apps, schema_editor):
    from places.loading import load_communes

    load_communes(apps.get_model("places", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
