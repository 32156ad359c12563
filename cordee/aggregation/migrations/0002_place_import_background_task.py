"""PlaceImport becomes a BackgroundTask: heartbeat, report stored as a file instead of a text column."""

from django.core.files.base import ContentFile
from django.db import migrations, models


def reports_to_files(apps, schema_editor):
    PlaceImport = apps.get_model("aggregation", "PlaceImport")
    for place_import in PlaceImport.objects.exclude(report_csv="").iterator():
        place_import.result_file.save(
            f"rapport-import-{place_import.pk}.csv", ContentFile(place_import.report_csv.encode("utf-8")), save=False
        )
        PlaceImport.objects.filter(pk=place_import.pk).update(result_file=place_import.result_file.name)


class Migration(migrations.Migration):
    dependencies = [
        ("aggregation", "0001_place_import_from_places"),
    ]

    operations = [
        migrations.AddField(
            model_name="placeimport",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="dernier signe de vie"),
        ),
        migrations.AddField(
            model_name="placeimport",
            name="result_file",
            field=models.FileField(blank=True, upload_to="tasks/%Y/%m/", verbose_name="résultat"),
        ),
        migrations.AddField(
            model_name="placeimport",
            name="unchanged_count",
            field=models.PositiveIntegerField(default=0, verbose_name="lieux inchangés"),
        ),
        migrations.AlterField(
            model_name="placeimport",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="avancement"),
        ),
        migrations.AlterField(
            model_name="placeimport",
            name="progress_total",
            field=models.PositiveIntegerField(default=0, verbose_name="total à traiter"),
        ),
        migrations.RunPython(reports_to_files, migrations.RunPython.noop),
    ]
