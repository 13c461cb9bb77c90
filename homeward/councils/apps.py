from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "homeward.councils"
    label = "councils"
