from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "cordee.territories"
    label = "territories"
    verbose_name = "Territoires"
