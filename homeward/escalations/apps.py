from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "homeward.escalations"
    label = "escalations"
