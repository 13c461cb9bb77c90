"""A person's children: those allocated to them or their team now, with what each needs.

The children are those of the current allocations (children.allocations) to the person or
to their team that the access rule (access.rules) lets them see; what each needs is read in
a fixed number of queries, however many children there are: whether they are missing now
and for how long, the returns still owed an interview (interviews.selectors, the one owed
rule), their last episode, and whether their exploitation screening's review is due.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from homeward.access.rules import access_for
from homeward.children.allocations import current_allocations
from homeward.children.selectors import Found, search_results, visible_children
from homeward.core.clock import duration_words
from homeward.core.problems import london_date
from homeward.exploitation.models import Screening
from homeward.interviews.selectors import InterviewDue, interview_due_row, owed_returns, owed_rows

YOU = "You"
NO_CHILDREN_ALLOCATED = (
    "No children are allocated to you. Your administrator allocates children from People."
)


@dataclass(frozen=True)
class AllocatedChild:
    found: Found  # the child, their age, legal status, whether missing now, last episode
    allocated_to: list[str]  # "You", "Your team, Made-up North (with Sam Worker)"
    missing_for: str  # "3 days 2 hours" while missing, "" otherwise
    owed: list[InterviewDue]  # the returns still owed an interview, the longest owed first
    review_due_on: dt.date | None  # the latest screening's next review, if one is set
    review_overdue: bool

    @property
    def child(self):
        return self.found.child

    @property
    def interview(self) -> InterviewDue | None:
        """The return owed an interview for the longest, which sets the child's clock."""
        return self.owed[0] if self.owed else None

    @property
    def overdue(self) -> bool:
        return any(row.is_overdue for row in self.owed)


@dataclass(frozen=True)
class Caseload:
    children: list[AllocatedChild]
    interviews: list[InterviewDue]  # every return of these children owed an interview
    team: str


def caseload(*, user, council, now: dt.datetime) -> Caseload:
    """The children allocated now to this person or their team that they may see, missing
    first, then those with an interview overdue, then owed, then by name."""
    team = access_for(user).team
    mine = Q(worker=user)
    if team:
        mine |= Q(team=team)
    allocations = (
        current_allocations(london_date(now))
        .filter(mine, child__in=visible_children(user=user, council=council).values("pk"))
        .select_related("child__home_locality", "worker")
        .order_by("child__last_name", "child__first_name", "child_id", "-allocated_on", "pk")
    )
    children, allocated_to = {}, {}
    for allocation in allocations:
        children.setdefault(allocation.child_id, allocation.child)
        labels = allocated_to.setdefault(allocation.child_id, [])
        label = _allocated_to(allocation, user)
        if label not in labels:
            labels.append(label)
    found = search_results(user=user, children=list(children.values()), today=london_date(now))
    returns = owed_returns(council=council, now=now, user=user).filter(child_id__in=list(children))
    interviews = [interview_due_row(row, now) for row in owed_rows(returns)]
    owed: dict[int, list[InterviewDue]] = {}
    for row in interviews:
        owed.setdefault(row.child_id, []).append(row)
    reviews = _reviews(list(children))
    today = london_date(now)
    rows = [
        AllocatedChild(
            found=one,
            allocated_to=allocated_to[one.child.pk],
            missing_for=duration_words(now - one.missing_since) if one.missing_since else "",
            owed=owed.get(one.child.pk, []),
            review_due_on=reviews.get(one.child.pk),
            review_overdue=reviews.get(one.child.pk) is not None and reviews[one.child.pk] <= today,
        )
        for one in found
    ]
    rows.sort(key=lambda row: (not row.found.missing_now, not row.overdue, not row.owed))
    return Caseload(children=rows, interviews=interviews, team=team)


def _allocated_to(allocation, user) -> str:
    if allocation.worker_id == user.pk:
        return YOU
    label = f"Your team, {allocation.team}"
    if allocation.worker is not None:
        worker = allocation.worker
        label += f" (with {worker.get_full_name() or worker.get_username()})"
    return label


def _reviews(child_ids: list[int]) -> dict[int, dt.date | None]:
    """Each child's latest screening's next review date: one query."""
    latest: dict[int, dt.date | None] = {}
    screenings = (
        Screening.objects.filter(child_id__in=child_ids)
        .order_by("child_id", "-completed_on", "-pk")
        .values_list("child_id", "next_review_on")
    )
    for child_id, next_review_on in screenings:
        latest.setdefault(child_id, next_review_on)
    return latest
