from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "cordee.journal"
    label = "journal"
    verbose_name = "Journal"
