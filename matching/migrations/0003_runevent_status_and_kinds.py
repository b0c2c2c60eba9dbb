"""Run events become status events (core.models.StatusEvent: from, to, why) and their free-text
`kind` a closed list. Existing rows keep their kind (legacy spellings mapped) and get the from/to
that kind always meant; an approval or a rejection did not record the run's status, so those
rows keep from and to empty."""

from django.db import migrations, models

# Free-text kinds some earlier code or hand may have written → the kind of the closed list.
LEGACY_KINDS = {
    "create": "created",
    "start": "started",
    "execute": "executed",
    "fail": "failed",
    "error": "failed",
    "approve": "approved",
    "reject": "rejected",
    "discard": "discarded",
}

KINDS = [
    ("created", "Created"),
    ("started", "Started"),
    ("executed", "Executed"),
    ("failed", "Failed"),
    ("approved", "Approved"),
    ("rejected", "Proposal rejected"),
    ("discarded", "Discarded"),
]

# kind → (from, to) it always meant; approved and rejected depended on the other proposals.
MOVES = {
    "created": ("", "queued"),
    "started": ("queued", "running"),
    "executed": ("running", "proposed"),
    "failed": ("running", "failed"),
    "discarded": ("", "discarded"),
}


def forwards(apps, schema_editor):
    MatchRunEvent = apps.get_model("matching", "MatchRunEvent")
    for legacy, kind in LEGACY_KINDS.items():
        MatchRunEvent.objects.filter(kind__iexact=legacy).update(kind=kind)
    for kind, (old, new) in MOVES.items():
        MatchRunEvent.objects.filter(kind=kind).update(old_status=old, new_status=new)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_runs_and_proposals"),
    ]

    operations = [
        migrations.AddField(
            "matchrunevent",
            "new_status",
            models.CharField(default="", max_length=20, verbose_name="to"),
            preserve_default=False,
        ),
        migrations.AddField(
            "matchrunevent", "old_status", models.CharField(blank=True, max_length=20, verbose_name="from")
        ),
        migrations.AddField("matchrunevent", "reason", models.TextField(blank=True, verbose_name="reason")),
        migrations.AlterField(
            "matchrunevent", "data", models.JSONField(blank=True, default=dict, verbose_name="data")
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            "matchrunevent", "kind", models.CharField(choices=KINDS, max_length=32, verbose_name="what")
        ),
    ]
