from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "cordee.activities"
    label = "activities"
    verbose_name = "Comptes rendus d'activité"

    def ready(self):
        from cordee.activities.services import erase_beneficiary
        from cordee.beneficiaries import registry

        registry.register("activities", erase_beneficiary)
