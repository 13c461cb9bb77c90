"""Made-up notices for the demo county's placed-in children (`homeward demo-notices`)."""

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from homeward.borders.selectors import placing_council_for
from homeward.borders.services import council_contact_add
from homeward.core.codes import Category
from homeward.episodes.models import Episode
from homeward.notices.links import acknowledgement_token
from homeward.notices.models import NoticeKind
from homeward.notices.selectors import due_for
from homeward.notices.services import notice_acknowledge, notice_send

HOUR = dt.timedelta(hours=1)
# How long before now each made-up notice was sent: acknowledged, awaiting, one overdue.
ACKNOWLEDGED = (72, 50, 30)
AWAITING = (3, 2)
OVERDUE = 30


@dataclass
class Made:
    notices: int = 0
    acknowledged: int = 0
    overdue: int = 0
    left_to_send: int = 0
    without_contact: str = ""


def _made_up_contact(council) -> None:
    slug = council.name.lower().replace(" ", "-").replace(",", "")
    with contextlib.suppress(ValidationError):  # already in the directory
        council_contact_add(
            council=council,
            purpose="missing",
            email=f"missing-children@{slug}.made-up.test",
            name=f"{council.name} missing children team (made up)",
        )


@transaction.atomic
def demo_notices_create(*, council, now: dt.datetime) -> Made:
    """Give the placed-in children's open and latest episodes made-up notices: some
    acknowledged, some awaiting, one overdue; leave one council without a contact and a few
    episodes still to tell, so that the list shows each state."""
    episodes = list(
        Episode.objects.filter(council=council, category=Category.MISSING)
        .exclude(child__responsible_la=F("council"))
        .select_related("child")
        .order_by(F("returned_at").desc(nulls_first=True), "-last_seen_at")[:12]
    )
    made = Made()
    councils = [placing_council_for(episode=e) for e in episodes]
    without = councils[-1] if councils else None
    for placing in {c for c in councils if c is not None and c != without}:
        _made_up_contact(placing)
    made.without_contact = without.name if without else ""
    ages = [*ACKNOWLEDGED, *AWAITING, OVERDUE]
    for episode in episodes:
        due = due_for(episode=episode, kind=NoticeKind.MISSING)
        if due is None or due.problem or not ages:
            made.left_to_send += due is not None
            continue
        age = ages.pop(0)
        notice = notice_send(due=due, now=now - age * HOUR)
        made.notices += 1
        if age in ACKNOWLEDGED:
            notice_acknowledge(
                token=acknowledgement_token(notice),
                name="Made-up duty officer",
                now=now - (age - 5) * HOUR,
            )
            made.acknowledged += 1
        elif age == OVERDUE:
            made.overdue += 1
    return made
