from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cordee.api"
    label = "api"
    verbose_name = "API"
