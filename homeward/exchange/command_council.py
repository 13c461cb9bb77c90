"""The council a command acts for: its --council option, or this installation's."""

from django.conf import settings
from django.core.management.base import CommandError

from homeward.councils.models import Council


def council_from_option(code: str | None) -> Council:
    """The council with this DfE code (default HOMEWARD_COUNCIL), or a CommandError saying
    there is none."""
    code = code or settings.HOMEWARD_COUNCIL
    found = Council.objects.filter(code=code).first()
    if found is None:
        raise CommandError(f"There is no council with code '{code}'.")
    return found
