"""Made-up children with patterns of episodes, for the escalation tests."""

import datetime as dt
from zoneinfo import ZoneInfo

from homeward.episodes.tests.factories import EpisodeFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)


def episodes_ago(child, *days, **values):
    """Episodes of the child last seen so many days before NOW, back 15 hours later."""
    return [
        EpisodeFactory(child=child, last_seen_at=NOW - dt.timedelta(days=ago), **values)
        for ago in days
    ]
