"""The import reports now live in files (see 0002); their text column goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("aggregation", "0002_place_import_background_task"),
    ]

    operations = [
        migrations.RemoveField(model_name="placeimport", name="report_csv"),
    ]
