"""Reads about the people who use Homeward."""

from django.contrib.auth import get_user_model

from homeward.accounts.roles import ADMINISTRATOR

ADMINISTRATORS_NAMED = 5


def administrators_to_ask() -> list[str]:
    """The names of the active administrators, for a person who needs a role to ask them."""
    people = (
        get_user_model()
        .objects.filter(groups__name=ADMINISTRATOR, is_active=True)
        .order_by("last_name", "first_name", "username")
        .distinct()[:ADMINISTRATORS_NAMED]
    )
    return [person.get_full_name() or person.get_username() for person in people]
