"""`homeward close-interviews`: after importing history, close what was never going to be
interviewed (every return owed before a date), with a reason."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from homeward.councils.models import Council
from homeward.interviews.services import interviews_close_before


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"'{text}' is not a date: give --returned-before as YYYY-MM-DD, for example 2023-01-01."
        ) from None


class Command(BaseCommand):
    help = (
        "Close, with a reason, every return of a council still owed a return home interview "
        "that came before a date (for history imported with no interviews in it): each a "
        "closure by the person named, audited, all or nothing. --dry-run counts them only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="DfE code of the council.")
        parser.add_argument(
            "--returned-before",
            required=True,
            help="YYYY-MM-DD: returns before this day (London time) are closed.",
        )
        parser.add_argument(
            "--reason",
            required=True,
            help='Why, kept on each closure: "before Homeward; interviews held on paper".',
        )
        parser.add_argument(
            "--by", required=True, help="Username of the coordinator or administrator closing."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be closed; change nothing."
        )

    def handle(self, *, council, returned_before, reason, by, dry_run, **options):
        day = _day(returned_before)
        place = Council.objects.filter(code=council).first()
        if place is None:
            raise CommandError(
                f"There is no council with the DfE code '{council}': give its three-digit "
                "code, for example 931."
            )
        user = get_user_model().objects.filter(username=by).first()
        if user is None:
            raise CommandError(f"There is no user called '{by}'.")
        try:
            result = interviews_close_before(
                council=place, day=day, reason=reason, by=user, dry_run=dry_run
            )
        except ValidationError as error:
            for messages in error.message_dict.values():
                for message in messages:
                    self.stderr.write(message)
            raise CommandError("Nothing was closed.") from None
        before = day.strftime("%-d %B %Y")
        left = (
            f"{result.left_owed} return(s) on or after {before} are still owed an interview "
            "and stay on the list."
        )
        if dry_run:
            self.stdout.write(
                f"Dry run, nothing changed: {result.closed} return(s) of {place} before "
                f"{before} are owed an interview and would be closed. {left}"
            )
            return
        for line in result.not_closed:
            self.stdout.write(f"Not closed: {line}")
        if result.closed == 0:
            self.stdout.write(
                f"Nothing closed: no return of {place} before {before} is still owed an "
                f"interview. {left}"
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Closed {result.closed} return(s) of {place} before {before}, each with the "
                f'reason "{reason.strip()}", by {by}. {left}'
            )
        )
