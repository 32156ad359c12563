from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cordee.core"
    label = "core"
    verbose_name = "Socle commun"
