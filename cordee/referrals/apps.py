from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "cordee.referrals"
    label = "referrals"
    verbose_name = "Orientations"
