import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import factory

from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.police.models import Notification

LONDON = ZoneInfo("Europe/London")


def candidate(child, score: float, method: str = "automatic") -> dict:
    """One candidate as the matcher stores it on a notification (Candidate.as_json())."""
    return {
        "child_id": child.pk,
        "local_id": child.local_id,
        "score": round(score, 4),
        "method": method,
        "agreements": [],
    }


class NotificationFactory(factory.django.DjangoModelFactory):
    """A made-up missing report from a made-up force, waiting for review."""

    class Meta:
        model = Notification

    council = factory.LazyFunction(council)
    force_name = "Made-up Shire Constabulary"
    source = "api"
    received_at = dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
    police_ref = factory.Sequence(lambda n: f"MSC-{n:05d}")
    fingerprint = factory.LazyAttribute(lambda o: hashlib.sha256(o.police_ref.encode()).hexdigest())
    event = "missing"
    event_at = dt.datetime(2026, 11, 30, 8, 30, tzinfo=LONDON)
    risk = "medium"
    state = "review"
    review_reason = "unsure"
    fields = factory.LazyAttribute(
        lambda o: {
            "force": o.force_name,
            "police_ref": o.police_ref,
            "event": o.event,
            "last_seen_at": "2026-11-29T21:00:00+00:00",
            "first_name": "Tyler",
            "last_name": "Madeup",
            "date_of_birth": "2011-03-14",
        }
    )
    raw = factory.SelfAttribute("fields")


FEED_NAMES = [
    ("Joshua", "Pemberton"),
    ("Keira", "Okonjo"),
    ("Callum", "Vasquez"),
    ("Bethany", "Lindqvist"),
    ("Tyler", "Fairweather"),
    ("Maisie", "Dunmore"),
]


def feed_children(here) -> list:
    """Six made-up children of `here` aged 12 to 15, each with a police id, a postcode and an
    address: enough for a round of the demo police feed (police/demo_feed.py)."""
    return [
        ChildFactory(
            council=here,
            responsible_la=here,
            first_name=first,
            last_name=last,
            date_of_birth=dt.date(2011 + number % 4, 3 + number, 14 - number),
            sex="male" if number % 2 == 0 else "female",
            police_id=f"MSC{number:05d}",
            postcode=f"OX4 {number}AB",
            address=f"{number + 1} Made-up Lane",
        )
        for number, (first, last) in enumerate(FEED_NAMES)
    ]
