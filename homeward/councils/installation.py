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


NOT_THIS_HOMEWARD = (
    "{councils} {verb} not this Homeward's council ({here}): this Homeward refuses a force's "
    "notifications about {whose} children (the force is answered 403, and nothing is kept). "
    "Take {them} off unless this is what you meant."
)


def not_this_homeward(councils) -> str:
    """A warning when `councils` (a force's, say) include any but this installation's: what
    is said to the person who chose them, so that the choice is not silently useless."""
    here = installation_council()
    others = sorted(str(council) for council in councils if council.pk != here.pk)
    if not others:
        return ""
    return NOT_THIS_HOMEWARD.format(
        councils=", ".join(others),
        verb="is" if len(others) == 1 else "are",
        here=here,
        whose="its" if len(others) == 1 else "their",
        them="it" if len(others) == 1 else "them",
    )


def forget_installation_council(**kwargs) -> None:
    _known.clear()


post_save.connect(forget_installation_council, sender=Council)
post_delete.connect(forget_installation_council, sender=Council)
post_migrate.connect(forget_installation_council)
