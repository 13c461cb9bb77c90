from django.apps import AppConfig


class InErrorConfig(AppConfig):
    name = "homeward.in_error"
    label = "in_error"
    verbose_name = "Records entered in error, and duplicate children"
