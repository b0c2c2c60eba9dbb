"""Handover photos and signatures written before 0003 sit in the public MEDIA_ROOT under their
upload names (handovers/signatures/signature.png): move them into the private storage under
random names and update the rows (core.media.move_to_private)."""

from django.db import migrations

from core.media import move_to_private


def forwards(apps, schema_editor):
    Handover = apps.get_model("logistics", "Handover")
    move_to_private(Handover, "photo", "handovers/photos")
    move_to_private(Handover, "signature", "handovers/signatures")


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0003_private_handover_files_and_cccd_override"),
    ]

    # Backwards leaves the files private: nothing personal goes back under a public prefix.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
