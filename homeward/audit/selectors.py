"""Reading the audit log."""

from django.db import models

from homeward.audit.models import AuditEntry


def entries_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """Everything recorded about one record, newest first: who has looked at this child."""
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-sequence")
