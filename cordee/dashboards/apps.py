from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _rollup_triggers(sender, using="default", **kwargs):
    from cordee.dashboards import rollups

    rollups.ensure_installed(using)


class DashboardsConfig(AppConfig):
    name = "cordee.dashboards"
    label = "dashboards"
    verbose_name = "Tableaux de bord"

    def ready(self):
        # The rollups' triggers follow the code: installed (and the rollups rebuilt) after any migrate that finds
        # them missing or different.
        post_migrate.connect(_rollup_triggers, sender=self, dispatch_uid="dashboards_rollup_triggers")
