from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "homeward.panel"
    label = "panel"
