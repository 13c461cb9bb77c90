"""Reading the audit log."""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Max, Min

from homeward.audit.models import Action, AuditEntry


def entries_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """Everything recorded about one record, newest first: who has looked at this child."""
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-sequence")


@dataclass(frozen=True)
class Looker:
    """One person who has looked at a record: how often, first and last, and from where."""

    username: str
    looks: int
    first_at: dt.datetime
    latest_at: dt.datetime
    latest_ip: str | None


def who_looked(obj: models.Model, *, limit: int) -> list[Looker]:
    """Each person who has viewed this child's record once, the latest to look first.

    One row a person, not a row a look: a coordinator who opens a record twenty times in a
    morning is one line, and someone who looked once is not pushed off the end by them.
    """
    looks = entries_for(obj).filter(action=Action.VIEW_CHILD).order_by()
    people = list(
        looks.values("username")
        .annotate(
            looks=Count("pk"),
            first_at=Min("at"),
            latest_at=Max("at"),
            latest=Max("sequence"),
        )
        .order_by("-latest", "username")[:limit]
    )
    # The address of each person's latest look: a second query by sequence, not a subquery
    # for every look (which the grouping would run once per entry).
    addresses = dict(
        AuditEntry.objects.filter(sequence__in=[person["latest"] for person in people]).values_list(
            "sequence", "ip"
        )
    )
    return [
        Looker(
            username=person["username"],
            looks=person["looks"],
            first_at=person["first_at"],
            latest_at=person["latest_at"],
            latest_ip=addresses.get(person["latest"]),
        )
        for person in people
    ]
