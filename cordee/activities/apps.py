from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "cordee.activities"
    label = "activities"
    verbose_name = "Comptes rendus d'activité"
