"""The demo county's escalations: raised as the rules would have raised them over recent weeks,
the older ones closed with made-up outcomes, the rest open with an owner.

Everything goes through the escalation services, so the demo keeps the rules the pages keep.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.councils.models import Council
from homeward.escalations.models import Escalation, EscalationOutcome
from homeward.escalations.services import (
    default_owner,
    escalation_close,
    escalation_update,
    escalations_raise_for_council,
)

WEEKS_BACK = 8
OPEN_LEFT = 6  # about a handful left open, the latest raised
OUTCOMES = {
    EscalationOutcome.DONE: [
        "Made-up: strategy discussion held with police and health; safety plan agreed.",
        "Made-up: screening completed; medium concerns of criminal exploitation, shared with "
        "the panel.",
        "Made-up: the placing council's plan reviewed with the panel chair; visits increased.",
    ],
    EscalationOutcome.IN_HAND: [
        "Made-up: a strategy discussion was already booked by the child's social worker.",
    ],
    EscalationOutcome.NOT_NEEDED: [
        "Made-up: the episodes were late returns from a known friend's home; no concerns.",
    ],
}


@dataclass(frozen=True)
class DemoEscalations:
    raised: int
    closed: int
    open: int


@transaction.atomic
def demo_escalations_create(*, council: Council, seed: int, now: dt.datetime) -> DemoEscalations:
    """Replace the council's escalations with those the rules raise over recent weeks."""
    Escalation.objects.filter(council=council).delete()
    rng = random.Random(seed)
    raised = closed = 0
    for back in range(WEEKS_BACK, -1, -1):
        week = now - dt.timedelta(weeks=back)
        raised += escalations_raise_for_council(council_id=council.pk, now=week)
        if back:  # close all but the latest few, as if worked week by week
            closed += _close_some(council, rng, keep=OPEN_LEFT)
    for escalation in Escalation.objects.filter(council=council, closed_at__isnull=True):
        owner = default_owner(council_id=council.pk, kind=escalation.kind)
        if owner is not None and escalation.owner_id is None:
            escalation_update(
                escalation=escalation, expected_version=escalation.version, owner=owner
            )
    made = DemoEscalations(
        raised=raised,
        closed=closed,
        open=Escalation.objects.filter(council=council, closed_at__isnull=True).count(),
    )
    audit_record(
        action=Action.IMPORT,
        label="demo escalations",
        details={"command": "demo-escalations", "seed": seed, **vars(made)},
        username="demo-escalations",
    )
    return made


def _close_some(council: Council, rng: random.Random, *, keep: int) -> int:
    still_open = list(
        Escalation.objects.filter(council=council, closed_at__isnull=True).order_by(
            "-raised_at", "-pk"
        )
    )
    closed = 0
    for escalation in still_open[keep:]:
        outcome = rng.choices(list(OUTCOMES), [6, 2, 2])[0]
        escalation_close(
            escalation=escalation,
            outcome=outcome,
            notes=rng.choice(OUTCOMES[outcome]),
            expected_version=escalation.version,
        )
        closed += 1
    return closed
