from django.apps import AppConfig


class PoliceConfig(AppConfig):
    name = "homeward.police"
    label = "police"
    verbose_name = "Police notifications"
