from django.apps import AppConfig


class PassNumeriqueJobsConfig(AppConfig):
    """Background work of the Pass numérique kept apart from the scheme's own models: the printing of books
    (a ``BackgroundTask``) and the record of the alerts sent before the end of an order."""

    name = "cordee.pass_numerique.jobs"
    label = "pass_numerique_jobs"
    verbose_name = "Pass numérique : impressions et alertes"
    default_auto_field = "django.db.models.BigAutoField"
