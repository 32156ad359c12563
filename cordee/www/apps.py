from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "cordee.www"
    label = "www"
    verbose_name = "Web"
