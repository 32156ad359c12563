from django.apps import AppConfig


class PassNumeriqueConfig(AppConfig):
    name = "cordee.pass_numerique"
    label = "pass_numerique"
    verbose_name = "Pass numérique"
