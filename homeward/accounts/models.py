"""A member of staff's place in the council, and the codes that let them set up sign-in."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from homeward.core.models import Tracked


class StaffProfile(Tracked):
    """Where a person works, which the access rule (access.rules) reads with their role.

    A person without a profile works for the installation's council, in no team and no
    locality: they see only what their role allows council-wide. Its version goes up with
    every change an administrator makes to the person (roles, team, localities) from the
    people pages, so that two administrators cannot overwrite each other.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    council = models.ForeignKey(
        "councils.Council",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty means the installation's council (HOMEWARD_COUNCIL).",
    )
    team = models.CharField(max_length=100, blank=True)
    localities = models.ManyToManyField(
        "councils.Locality",
        blank=True,
        related_name="+",
        help_text="For police liaison: the areas whose episodes and children they see.",
    )

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives someone to set up two-factor sign-in.

    Without one, a password alone could add an authenticator app to an account that has
    none yet (a new account, or one just reset). Stored hashed, like a password; it lasts
    HOMEWARD_2FA_SET_UP_HOURS and is gone once a device is set up with it. A newer code
    replaces the older one.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_code"
    )
    code_hash = models.CharField(max_length=200)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Two-factor set-up code for {self.user}, until {self.expires_at:%Y-%m-%d %H:%M}"
