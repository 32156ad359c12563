from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "cordee.structures"
    label = "structures"
    verbose_name = "Structures"
