from django.db import migrations, models


def moves_of_past_rows(apps, schema_editor):
    """Rows written before the pledge door: a creation went "" → open, a cancellation open →
    cancelled; edits and photos happen only on open pledges (added as open → open)."""
    PledgeEvent = apps.get_model("donations", "PledgeEvent")
    PledgeEvent.objects.filter(action="created").update(old_status="")
    PledgeEvent.objects.filter(action="cancelled").update(new_status="cancelled")


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0005_giftevent_status_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="pledgeevent",
            name="old_status",
            field=models.CharField(blank=True, default="open", max_length=20, verbose_name="from"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="pledgeevent",
            name="new_status",
            field=models.CharField(default="open", max_length=20, verbose_name="to"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="pledgeevent",
            name="reason",
            field=models.TextField(blank=True, verbose_name="reason"),
        ),
        migrations.RunPython(moves_of_past_rows, migrations.RunPython.noop),
    ]
