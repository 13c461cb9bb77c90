"""Printing a two-factor set-up code for the administrator to pass on."""

from django.conf import settings
from django.urls import reverse


def print_set_up_code(out, username: str, code: str) -> None:
    """The code, once, with what the person does with it."""
    hours = settings.HOMEWARD_2FA_SET_UP_HOURS
    out.write(
        f"{username} signs in with their password, then enters this code at "
        f"{reverse('accounts:two-factor-set-up')} to set up their authenticator app. It works "
        f"once and expires in {hours} hours; it is stored only hashed and is not shown again."
    )
    out.write(f"Set-up code: {code}")
