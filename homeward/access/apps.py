from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "homeward.access"
    label = "access"
