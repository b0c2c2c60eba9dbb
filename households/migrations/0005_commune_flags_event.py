"""CommuneFlagsEvent: one row per change of a commune's flags (households/services/communes.py).
Written by hand from `makemigrations` output, in a compact form."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

USER = settings.AUTH_USER_MODEL
ON_DELETE = django.db.models.deletion

FIELDS = [
    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
    ("data", models.JSONField(blank=True, default=dict, verbose_name="data")),
    ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="at")),
    ("actor", models.ForeignKey(blank=True, null=True, on_delete=ON_DELETE.SET_NULL, related_name="+", to=USER, verbose_name="by")),
    ("commune", models.ForeignKey(on_delete=ON_DELETE.PROTECT, related_name="flag_events", to="places.commune", verbose_name="commune")),
]
OPTIONS = {
    "verbose_name": "commune flags change",
    "verbose_name_plural": "commune flags changes",
    "ordering": ["at", "id"],
    "abstract": False,
}


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0004_alter_householdevent_data_and_more"),
        ("places", "0002_load_communes"),
        migrations.swappable_dependency(USER),
    ]
    operations = [migrations.CreateModel(name="CommuneFlagsEvent", fields=FIELDS, options=OPTIONS)]
