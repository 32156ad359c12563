from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "cordee.dashboards"
    label = "dashboards"
    verbose_name = "Tableaux de bord"
