"""Donors' phone photos and their thumbnails written before 0006 sit in the public MEDIA_ROOT:
move them into the private storage under random names and update the rows. Consented outcome
photos stay public; any that lack a random name get one (core.media.move_to_private)."""

from django.db import migrations

from core.media import move_to_private


def forwards(apps, schema_editor):
    DevicePhoto = apps.get_model("donations", "DevicePhoto")
    DeviceOutcome = apps.get_model("donations", "DeviceOutcome")
    move_to_private(DevicePhoto, "image", "device-photos")
    move_to_private(DevicePhoto, "thumbnail", "device-thumbs")
    move_to_private(DeviceOutcome, "photo", "outcomes", keep_public=True)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0007_private_device_photos"),
    ]

    # Backwards leaves the files private: nothing personal goes back under a public prefix.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
