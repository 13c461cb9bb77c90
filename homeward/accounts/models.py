"""A member of staff's place in the council: which council, which team, which localities."""

from django.conf import settings
from django.db import models


class StaffProfile(models.Model):
    """Where a person works, which the access rule (access.rules) reads with their role.

    A person without a profile works for the installation's council, in no team and no
    locality: they see only what their role allows council-wide.
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
