"""PlaceImport moves to the aggregation app: its table (places_placeimport) and rows stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0008_place_imports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PlaceImport")],
            database_operations=[],
        ),
    ]
