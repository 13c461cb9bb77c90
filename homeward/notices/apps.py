from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "homeward.notices"
    label = "notices"
    verbose_name = "Placing councils told of their children's episodes"
