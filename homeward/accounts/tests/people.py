"""Made-up staff in each role, placed where the access rule needs them."""

from homeward.accounts.models import StaffProfile
from homeward.accounts.tests.factories import UserFactory


def staff(*roles: str, team: str = "", localities=(), council=None, username=None):
    """A made-up member of staff in `roles`, with a profile (team, localities, council)."""
    extra = {"username": username} if username else {}
    user = UserFactory(roles=list(roles), **extra)
    profile = StaffProfile.objects.create(user=user, team=team, council=council)
    profile.localities.set(localities)
    return user
