import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Every commune has its province since 0004_load_provinces.
    dependencies = [("places", "0004_load_provinces")]

    operations = [
        migrations.AlterField(
            model_name="commune",
            name="province",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="communes",
                to="places.province",
                verbose_name="province",
            ),
        ),
    ]
