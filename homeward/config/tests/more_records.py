"""Records for the every-route checks (CSRF, date fields) of the pages that came with the
cross-border work: a placed-in register entry, a council's contact, a child's contact, an
email in the outbox and a notice to a placing council."""

import datetime as dt

from django.utils import timezone

from homeward.alerts.outbox import email_queue
from homeward.borders.tests.factories import (
    ChildContactFactory,
    CouncilContactFactory,
    PlacedInEntryFactory,
)
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.notices.models import PlacingCouncilNotice

LONG_AGO = dt.datetime(2019, 1, 1, 10, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def border_and_email_records(child) -> dict:
    """The records those routes name, about the made-up `child`."""
    email, _ = email_queue(
        key=f"every-route:{child.pk}",
        to="made-up-coordinator@made-up-council.test",
        subject="Homeward: a made-up alert",
        body="Made-up body",
        purpose="high-risk",
        child=child,
    )
    return {
        "entry": PlacedInEntryFactory(
            child=child, first_name=child.first_name, last_name=child.last_name
        ),
        "contact": CouncilContactFactory(),
        "child_contact": ChildContactFactory(child=child),
        "email": email,
        "notice": PlacingCouncilNotice.objects.create(
            council=council(),
            # Long before the child's other episodes, which it may not overlap.
            episode=EpisodeFactory(child=child, last_seen_at=LONG_AGO, returned_at=LONG_AGO + HOUR),
            kind="missing",
            child=child,
            placing_council=council("886"),
            prepared_at=timezone.now(),
        ),
    }
