from django.apps import AppConfig


class ActivitiesLegacyConfig(AppConfig):
    """The import of the conseiller numérique programme's v1 reports (CRA v1): raw rows and v1 identifiers."""

    name = "cordee.activities.legacy"
    label = "activities_legacy"
    verbose_name = "Import des CRA v1"
