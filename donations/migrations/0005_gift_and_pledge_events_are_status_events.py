"""Gift and pledge events become status events (core.models.StatusEvent): who acted, why, and for
pledges the move itself. Rows written before the pledge door: a creation went "" → open, a
cancellation open → cancelled; edits and photos happen only on open pledges (open → open)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def moves_of_past_rows(apps, schema_editor):
    PledgeEvent = apps.get_model("donations", "PledgeEvent")
    PledgeEvent.objects.filter(action="created").update(old_status="")
    PledgeEvent.objects.filter(action="cancelled").update(new_status="cancelled")


def actor():
    user = settings.AUTH_USER_MODEL
    on_delete = django.db.models.deletion.SET_NULL
    return models.ForeignKey(user, on_delete, blank=True, null=True, related_name="+", verbose_name="by")


def status(verbose_name, **options):
    return models.CharField(verbose_name, max_length=20, **options)


def reason():
    return models.TextField(blank=True, verbose_name="reason")


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0004_deviceevent_reason_alter_deviceevent_data_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            "giftevent",
            {"ordering": ["at", "id"], "verbose_name": "gift event", "verbose_name_plural": "gift events"},
        ),
        migrations.AddField("giftevent", "actor", actor()),
        migrations.AddField("giftevent", "reason", reason()),
        migrations.AlterField("giftevent", "data", models.JSONField(blank=True, default=dict, verbose_name="data")),
        migrations.AlterField("giftevent", "old_status", status("from", blank=True)),
        migrations.AlterField("giftevent", "new_status", status("to")),
        migrations.AddField("pledgeevent", "old_status", status("from", blank=True, default="open"), False),
        migrations.AddField("pledgeevent", "new_status", status("to", default="open"), False),
        migrations.AddField("pledgeevent", "reason", reason()),
        migrations.RunPython(moves_of_past_rows, migrations.RunPython.noop),
    ]
