"""`homeward demo-police-feed`: a made-up force posts notifications about the demo county's
made-up children to the API while the demo runs (homeward/police/demo_feed.py)."""

import dataclasses
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homeward.councils.models import Council
from homeward.police.demo_feed import (
    FORCE,
    SECOND_FORCE,
    Feed,
    Post,
    children_to_report,
    send,
)

DEMO_ONLY = (
    "demo-police-feed sends made-up notifications and is for the demo only: set "
    "HOMEWARD_DEMO=true (make demo does)."
)
NOTHING_TO_SEND_WITH = (
    "Give the force's API token: --token-file FILE (as make demo writes it), or the "
    "environment variable HOMEWARD_FEED_TOKEN."
)
NO_COUNCIL = "There is no council with code '{code}'. Use the DfE three-digit code, like 931."
NOT_TAKEN = "{count} of {total} notifications were not answered as expected (see above)."
UNREACHABLE_WAIT = 2.0


class Command(BaseCommand):
    help = (
        "Demo only: post made-up police notifications (new reports, regradings, founds, a "
        "second force's reference, a brother or sister nobody has recorded, an unknown child, "
        "an unreadable one) about the demo county's children to the API, one every few "
        "seconds, until stopped; --once sends one round and stops."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Homeward's address.")
        parser.add_argument("--token-file", help="A file holding the force's API token.")
        parser.add_argument(
            "--second-token-file",
            help=f"A file holding {SECOND_FORCE}'s token (without it, {FORCE} sends its "
            "second reference itself, as a new log would).",
        )
        parser.add_argument(
            "--council", help="DfE code of the council (default: HOMEWARD_COUNCIL)."
        )
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between notifications (5)."
        )
        parser.add_argument("--once", action="store_true", help="Send one round, then stop.")
        parser.add_argument("--seed", type=int, default=0, help="Which made-up rounds (0).")

    def handle(self, *, url, council, interval, once, seed, **options):
        if not settings.HOMEWARD_DEMO:
            raise CommandError(DEMO_ONLY)
        token = _token(options["token_file"], "HOMEWARD_FEED_TOKEN")
        if not token:
            raise CommandError(NOTHING_TO_SEND_WITH)
        second = _token(options["second_token_file"], "HOMEWARD_FEED_SECOND_TOKEN")
        code = council or settings.HOMEWARD_COUNCIL
        place = Council.objects.filter(code=code).first()
        if place is None:
            raise CommandError(NO_COUNCIL.format(code=code))
        feed = Feed(council_code=code, started=timezone.now(), seed=seed)
        self.stdout.write(f"{FORCE}'s made-up feed to {url}, for {place}.")
        while True:
            now = timezone.now()
            posts = feed.next_round(children_to_report(place, now), now)
            missed = 0
            for number, post in enumerate(posts):
                # One every `interval`, between rounds too (the first of all at once).
                if (number or feed.number > 1) and not once:
                    time.sleep(interval)
                missed += not self._send(url, *_sent_as(post, token, second), once)
            if once:
                if missed:
                    raise CommandError(NOT_TAKEN.format(count=missed, total=len(posts)))
                return

    def _send(self, url: str, token: str, post: Post, once: bool) -> bool:
        """Send one notification (waiting for a server still starting); True when answered
        as expected."""
        while True:
            answer = send(url, token, post.payload)
            if answer.status not in (0, 429) or once:
                break
            # Not up yet, or more than the force's rate: the same notification again, later.
            wait = UNREACHABLE_WAIT if answer.status == 0 else answer.retry_after
            self.stderr.write(f"{answer.status or ''} {answer.said}; again in {wait:g} s.".strip())
            time.sleep(wait)
        expected = 200 <= answer.status < 300 if post.readable else answer.status == 400
        at = timezone.localtime().strftime("%H:%M:%S")
        status = answer.status or "not sent"
        line = f"{at} {status} {post.payload['police_ref']}: {post.what}. {answer.said}".strip()
        self.stdout.write(line if expected else self.style.ERROR(f"{line} (not as expected)"))
        return expected


def _sent_as(post: Post, token: str, second: str) -> tuple[str, Post]:
    """The token a notification is sent with, and the notification: the second force's own,
    or, when the feed has no token of the second force's, the first force's new log."""
    if not post.second_force:
        return token, post
    if second:
        return second, post
    what = f"{post.what}, sent by {FORCE} as a new log (the feed has no token of {SECOND_FORCE}'s)"
    return token, dataclasses.replace(post, what=what, payload=post.payload | {"force": FORCE})


def _token(path: str | None, variable: str) -> str:
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as error:
            raise CommandError(f"Could not read the token from {path}: {error.strerror}.") from None
    return os.environ.get(variable, "").strip()
