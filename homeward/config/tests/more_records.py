"""Records for the every-route checks (CSRF, date fields) of the pages that came with the
cross-border work: a placed-in register entry, a council's contact, a child's contact and an
email in the outbox."""

from homeward.alerts.outbox import email_queue
from homeward.borders.tests.factories import (
    ChildContactFactory,
    CouncilContactFactory,
    PlacedInEntryFactory,
)


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
    }
