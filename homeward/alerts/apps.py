from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "homeward.alerts"
    label = "alerts"
    verbose_name = "Emails and alerts"
