from django.apps import AppConfig


class BeneficiariesConfig(AppConfig):
    name = "cordee.beneficiaries"
    label = "beneficiaries"
    verbose_name = "Personnes accompagnées"
