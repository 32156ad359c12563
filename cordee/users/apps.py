from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "cordee.users"
    label = "users"
    verbose_name = "Comptes"
