from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "homeward.audit"
    verbose_name = "Audit log"

    def ready(self):
        from homeward.audit import signals  # noqa: F401  (connects the sign-in receivers)
