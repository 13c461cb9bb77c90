from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "homeward.interviews"
    label = "interviews"
