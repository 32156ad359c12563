from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "cordee.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostics de compétences numériques"

    def ready(self):
        from cordee.beneficiaries import registry
        from cordee.diagnostics.services import erase_beneficiary

        registry.register("diagnostics", erase_beneficiary)
