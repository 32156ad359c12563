from django.db import migrations


def install_2026_1(apps, schema_editor):
    from cordee.diagnostics.referentiel import VERSION_2026_1, install

    install(
        VERSION_2026_1,
        apps.get_model("diagnostics", "DiagnosticVersion"),
        apps.get_model("diagnostics", "Area"),
        apps.get_model("diagnostics", "Question"),
        publish=True,
    )


def remove_2026_1(apps, schema_editor):
    version_model = apps.get_model("diagnostics", "DiagnosticVersion")
    version_model.objects.filter(code="2026-1", diagnostics__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0001_initial")]

    operations = [migrations.RunPython(install_2026_1, remove_2026_1)]
