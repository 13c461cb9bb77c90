"""The demo county's panel: made-up monthly meetings discussing its repeat-missing children.

Everything goes through the panel's services, so the demo keeps the same rules as the
pages. The same seed and the same children give the same meetings, discussions and actions.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q

from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.children.models import Child
from homeward.core.codes import Category
from homeward.councils.models import Council
from homeward.panel.models import PanelAction, PanelDiscussion, PanelMeeting
from homeward.panel.services import (
    panel_action_record,
    panel_discussion_record,
    panel_meeting_record,
)

MONTHS_BACK = 6
# The months around the demo paper's period (1 January to 30 June 2020, README) and the six
# months after it, so that the paper counts the panel: met monthly then too, once history.
PAPER_MONTHS = ((2019, 10), (2020, 12))
CHILDREN_PER_MEETING = (3, 6)
REPEAT_EPISODES = 3
REPEAT_DAYS = 90
CHAIRS = ["Made-up Chair (exploitation lead)", "Made-up Deputy Chair (missing coordinator)"]
AGENCIES = [
    "Children's social care",
    "Thames Valley Police (made-up officer)",
    "Health: looked-after children nurse",
    "Education: inclusion officer",
    "Youth justice",
    "Placement provider",
    "Return home interview service",
]
REASONS = [
    "Missing {n} times in the last 90 days; seen with older made-up adults.",
    "Missing {n} times in the last 90 days; found out of county each time.",
    "Missing {n} times in the last 90 days; return home interview declined twice.",
    "Missing {n} times in the last 90 days; new phone and money the family cannot explain.",
]
SUMMARIES = [
    "Made-up discussion: agencies shared what they knew. Indicators of criminal exploitation; "
    "a disruption plan agreed.",
    "Made-up discussion: school attendance falling; the placement reports late returns. "
    "Safety plan to be reviewed with the child.",
    "Made-up discussion: police intelligence links the child to a made-up county line. "
    "Strategy discussion requested.",
    "Made-up discussion: things are steadier since the last meeting; keep the current plan.",
]
ACTIONS = [
    ("Complete an exploitation screening and share it with the panel.", "Made-up social worker"),
    ("Hold a strategy discussion.", "Children's social care (made-up team manager)"),
    ("Share intelligence on the made-up adults named.", "Thames Valley Police (made-up DC)"),
    ("Review the child's school timetable and attendance.", "Education: inclusion officer"),
    ("Offer a sexual health appointment.", "Health: looked-after children nurse"),
    ("Update the placement's missing protocol.", "Placement provider (made-up manager)"),
    ("Offer a return home interview after every return.", "Return home interview service"),
]
RISKS = ["low", "medium", "high", "very_high"]
RISK_WEIGHTS = [2, 4, 3, 1]


@dataclass(frozen=True)
class DemoPanel:
    meetings: int
    discussions: int
    actions: int
    open_actions: int
    overdue_actions: int


def meeting_days(today: dt.date) -> list[dt.date]:
    """The first Tuesday of each of the last MONTHS_BACK months, and of next month; before
    them, of each of PAPER_MONTHS once all of those are over."""
    recent = [
        _first_tuesday(month) for month in range(_month(today) - MONTHS_BACK, _month(today) + 2)
    ]
    first, last = (year * 12 + month - 1 for year, month in PAPER_MONTHS)
    if last >= _month(today) - MONTHS_BACK:
        return recent
    return [_first_tuesday(month) for month in range(first, last + 1)] + recent


def _month(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _first_tuesday(month: int) -> dt.date:
    first = dt.date(month // 12, month % 12 + 1, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7)


def _repeat_missing(council: Council, on: dt.date) -> list[tuple[Child, int]]:
    since = on - dt.timedelta(days=REPEAT_DAYS)
    window = Q(
        episodes__category=Category.MISSING,
        episodes__last_seen_at__date__gt=since,
        episodes__last_seen_at__date__lte=on,
    )
    children = (
        Child.objects.filter(council=council)
        .annotate(recent=Count("episodes", filter=window))
        .filter(recent__gte=REPEAT_EPISODES)
        .order_by("local_id")
    )
    return [(child, child.recent) for child in children]


@transaction.atomic
def demo_panel_create(*, council: Council, seed: int, today: dt.date) -> DemoPanel:
    """Replace the council's panel with made-up meetings over recent months."""
    PanelAction.objects.filter(council=council).delete()
    PanelDiscussion.objects.filter(council=council).delete()
    PanelMeeting.objects.filter(council=council).delete()
    rng = random.Random(seed)
    days = meeting_days(today)
    counts = {"meetings": 0, "discussions": 0, "actions": 0}
    for n, held_on in enumerate(days, start=1):
        meeting = panel_meeting_record(
            council=council,
            held_on=held_on,
            chair=CHAIRS[1] if n % 5 == 0 else CHAIRS[0],
            agencies=", ".join(rng.sample(AGENCIES, rng.randint(4, len(AGENCIES)))),
            notes="Made-up minutes: every child here is made up.",
            local_id=f"DEMO-PM-{n:03d}",
        )
        counts["meetings"] += 1
        if held_on > today:
            continue  # planned: the children are added on the day
        next_meeting = days[n] if n < len(days) else held_on + dt.timedelta(days=28)
        candidates = _repeat_missing(council, held_on)
        chosen = rng.sample(candidates, min(len(candidates), rng.randint(*CHILDREN_PER_MEETING)))
        for child, episodes in chosen:
            discussion = panel_discussion_record(
                meeting=meeting,
                child=child,
                reason=rng.choice(REASONS).format(n=episodes),
                risk=rng.choices(RISKS, RISK_WEIGHTS)[0],
                summary=rng.choice(SUMMARIES),
                next_review_on=next_meeting,
                local_id=f"DEMO-PD-{n:03d}-{child.local_id}",
            )
            counts["discussions"] += 1
            for k, (description, owner) in enumerate(rng.sample(ACTIONS, rng.randint(1, 3))):
                due_on = held_on + dt.timedelta(days=rng.choice([14, 28, 42, 56]))
                panel_action_record(
                    discussion=discussion,
                    description=description,
                    owner=owner,
                    due_on=due_on,
                    completed_on=_done(rng, held_on, due_on, today),
                    local_id=f"DEMO-PA-{n:03d}-{child.local_id}-{k}",
                )
                counts["actions"] += 1
    open_actions = PanelAction.objects.filter(council=council, completed_on__isnull=True)
    made = DemoPanel(
        **counts,
        open_actions=open_actions.count(),
        overdue_actions=open_actions.filter(due_on__lt=today).count(),
    )
    # In the same transaction: the demo panel is there with its entry, or neither is.
    audit_record(
        action=Action.IMPORT,
        label="demo panel",
        details={"command": "demo-panel", "seed": seed, **vars(made)},
        username="demo-panel",
    )
    return made


def _done(rng: random.Random, held_on: dt.date, due_on: dt.date, today: dt.date):
    """Most actions due long ago are done; some are overdue; few due later are done yet."""
    chance = 0.92 if due_on < today - dt.timedelta(days=30) else 0.6 if due_on < today else 0.2
    if rng.random() >= chance:
        return None
    latest = min(today, due_on + dt.timedelta(days=10))
    return held_on + dt.timedelta(days=rng.randint(0, (latest - held_on).days))
