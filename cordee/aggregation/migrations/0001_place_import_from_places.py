"""PlaceImport, moved from the places app with its table (places_placeimport) and its rows: state only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label="aggregation", model="placeimport").exists():
        content_types.filter(app_label="places", model="placeimport").update(app_label="aggregation")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("places", "0009_place_import_moves_to_aggregation"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PlaceImport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("source_name", models.SlugField(max_length=100, verbose_name="nom de la source")),
                        ("original_name", models.CharField(max_length=255, verbose_name="nom du fichier envoyé")),
                        ("file", models.FileField(upload_to="imports/", verbose_name="fichier")),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "En attente"),
                                    ("running", "En cours"),
                                    ("done", "Terminé"),
                                    ("failed", "Échoué"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="état",
                            ),
                        ),
                        ("progress_done", models.PositiveIntegerField(default=0, verbose_name="lignes traitées")),
                        ("progress_total", models.PositiveIntegerField(default=0, verbose_name="lignes à traiter")),
                        ("created_count", models.PositiveIntegerField(default=0, verbose_name="lieux créés")),
                        ("updated_count", models.PositiveIntegerField(default=0, verbose_name="lieux mis à jour")),
                        ("rejected_count", models.PositiveIntegerField(default=0, verbose_name="lignes rejetées")),
                        ("warnings_count", models.PositiveIntegerField(default=0, verbose_name="avertissements")),
                        ("summary", models.TextField(blank=True, verbose_name="résumé")),
                        ("report_csv", models.TextField(blank=True, verbose_name="rapport CSV")),
                        ("error_message", models.TextField(blank=True, verbose_name="message d'erreur")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="demandé le")),
                        ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="commencé le")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="terminé le")),
                        (
                            "requested_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="place_imports",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="demandé par",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "import de lieux",
                        "verbose_name_plural": "imports de lieux",
                        "ordering": ["-created_at", "-pk"],
                        "db_table": "places_placeimport",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop, elidable=True),
    ]
