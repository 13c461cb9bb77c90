"""The council this installation belongs to (settings.HOMEWARD_COUNCIL), read once a process.

Every page needs it, and it does not change while Homeward runs: the councils are reference
data loaded by a migration. The copy kept here is dropped whenever a council is saved or
deleted, and after migrate or flush (which sends post_migrate), so it is never stale.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_delete, post_migrate, post_save

from homeward.councils.models import Council

_known: dict[str, Council] = {}


def installation_council() -> Council:
    """The council this installation belongs to (settings.HOMEWARD_COUNCIL)."""
    code = settings.HOMEWARD_COUNCIL
    council = _known.get(code)
    if council is None:
        try:
            council = Council.objects.get(code=code)
        except Council.DoesNotExist:
            raise ImproperlyConfigured(
                f"HOMEWARD_COUNCIL is {code!r}, which is not a known council code. "
                "Set it to the council's DfE three-digit code, for example 931."
            ) from None
        _known[code] = council
    return council


def forget_installation_council(**kwargs) -> None:
    _known.clear()


post_save.connect(forget_installation_council, sender=Council)
post_delete.connect(forget_installation_council, sender=Council)
post_migrate.connect(forget_installation_council)
