from django.db import migrations, models


def fill_time_zones(apps, schema_editor):
    """The overseas départements already loaded get their time zone (the others keep Europe/Paris)."""
    from cordee.territories.local_time import TIME_ZONES

    Departement = apps.get_model("territories", "Departement")
    for code, name in TIME_ZONES.items():
        Departement.objects.filter(code=code).update(time_zone=name)


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0002_epci_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="departement",
            name="time_zone",
            field=models.CharField(
                default="Europe/Paris",
                help_text="Fuseau IANA de l'heure locale, ex. Indian/Reunion (voir cordee/territories/local_time.py).",
                max_length=40,
                verbose_name="fuseau horaire",
            ),
        ),
        migrations.RunPython(fill_time_zones, migrations.RunPython.noop),
    ]
