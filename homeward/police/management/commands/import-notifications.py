"""`homeward import-notifications`: a force's daily CSV export of notifications, row by row."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from homeward.access.rules import CREATE_CHILD, may
from homeward.councils.installation import installation_council
from homeward.councils.models import Council
from homeward.police.models import Source
from homeward.police.notification_file import (
    import_notifications,
    note_lines,
    problem_lines,
    summary_lines,
)

NO_COUNCIL = (
    "There is no council with the DfE code '{code}': give its three-digit code, for example 931."
)
NOT_THIS_HOMEWARD = (
    "This Homeward keeps the notifications of {here} alone: nobody here could see those of "
    "{council}, so nothing was read. Give --council {code}, or send the file to {council}."
)
NO_USER = "There is no user called '{by}'."
NOT_A_RECORDER = (
    "{by} may not import police notifications: a file may concern any child of the council, "
    "and their role cannot record children. Name a "
    "missing children coordinator or an administrator with --by."
)
CANNOT_OPEN = "{file} could not be opened ({error}). Check the file name and that it can be read."
REFUSED = "Nothing was kept from {file}."
UNREADABLE = (
    "{count} row(s) of {file} could not be read. Each is kept as a problem on the Notifications "
    "page; correct it at the force and send it again."
)


class Command(BaseCommand):
    help = (
        "Read a CSV file of police notifications (docs/notifications-csv.md) for a council. "
        "Each row is kept as its own notification, in its own transaction: applied to an "
        "episode, held until an earlier event arrives, left for review, or kept as a problem "
        "when it cannot be read, so a bad row does not stop the others (a notification is "
        "evidence; no row is ever half written). A file that is not CSV, or has no police_ref "
        "or event column, is refused whole. The same event sent twice changes nothing. Exits "
        "non-zero when any row could not be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file.")
        parser.add_argument("--council", required=True, help="DfE code of the council.")
        parser.add_argument(
            "--force",
            default="",
            help="The force that sent the file, for rows with no force column of their own.",
        )
        parser.add_argument(
            "--by", help="Username recorded as having imported it (someone who records episodes)."
        )

    def handle(self, *, file, council, force, by, **options):
        place = Council.objects.filter(code=council).first()
        if place is None:
            raise CommandError(NO_COUNCIL.format(code=council))
        here = installation_council()
        if place.pk != here.pk:
            raise CommandError(NOT_THIS_HOMEWARD.format(here=here, council=place, code=here.code))
        user = _importer(by)
        path = Path(file)
        try:
            with path.open("rb") as f:
                result = import_notifications(
                    f, name=path.name, council=place, force_name=force, source=Source.CSV, by=user
                )
        except OSError as error:
            raise CommandError(CANNOT_OPEN.format(file=file, error=error.strerror)) from None
        for line in note_lines(result):
            self.stdout.write(line)
        for line in problem_lines(result):
            self.stderr.write(line)
        if result.refused:
            raise CommandError(REFUSED.format(file=path.name))
        first, *counts = summary_lines(result)
        self.stdout.write(first)
        for line in counts:
            self.stdout.write(f"- {line}")
        if result.unreadable:
            raise CommandError(UNREADABLE.format(count=result.unreadable, file=path.name))


def _importer(by: str | None):
    if not by:
        return None
    user = get_user_model().objects.filter(username=by).first()
    if user is None:
        raise CommandError(NO_USER.format(by=by))
    if not may(user, CREATE_CHILD):
        raise CommandError(NOT_A_RECORDER.format(by=by))
    return user
