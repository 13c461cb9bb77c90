from django.apps import AppConfig


class BordersConfig(AppConfig):
    name = "homeward.borders"
    label = "borders"
    verbose_name = "Across council borders"
