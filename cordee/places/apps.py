from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "cordee.places"
    label = "places"
    verbose_name = "Lieux"
