from django.apps import AppConfig


class AggregationConfig(AppConfig):
    name = "cordee.aggregation"
    verbose_name = "Agrégation des données"
