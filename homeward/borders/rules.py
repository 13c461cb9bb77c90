"""The rules a contact keeps, checked by the web forms and the contacts CSV alike."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from homeward.borders.models import ChildContactRole, ContactPurpose
from homeward.core.problems import Problem

BAD_EMAIL = "'{value}' is not an email address. Enter one like missing@council.gov.uk."
NO_EMAIL = "Enter the email address: it cannot be empty."
BAD_PURPOSE = "'{value}' is not a purpose. Use one of: missing, out_of_hours, iro."
BAD_ROLE = "'{value}' is not a role. Use one of: iro, social_worker."
NAME_TOO_LONG = "The name is {length} characters long, but at most 200 fit. Shorten it."


def normalise_email(value: str) -> str:
    """An address as stored: stripped and lower-case, so one address is kept once."""
    return value.strip().lower()


def email_problem(value: str, field: str = "email") -> Problem | None:
    if not value.strip():
        return Problem(field, NO_EMAIL)
    try:
        validate_email(value.strip())
    except ValidationError:
        return Problem(field, BAD_EMAIL.format(value=value))
    return None


def contact_problems(*, purpose: str, email: str, name: str) -> list[Problem]:
    """What is wrong with a directory entry's purpose, email and name (nothing: [])."""
    problems = [email_problem(email)]
    if purpose not in ContactPurpose.values:
        problems.append(Problem("purpose", BAD_PURPOSE.format(value=purpose)))
    if len(name.strip()) > 200:
        problems.append(Problem("name", NAME_TOO_LONG.format(length=len(name.strip()))))
    return [problem for problem in problems if problem]


def child_contact_problems(*, role: str, email: str, name: str) -> list[Problem]:
    """What is wrong with a child's own contact (nothing: [])."""
    problems = [email_problem(email)]
    if role not in ChildContactRole.values:
        problems.append(Problem("role", BAD_ROLE.format(value=role)))
    if len(name.strip()) > 200:
        problems.append(Problem("name", NAME_TOO_LONG.format(length=len(name.strip()))))
    return [problem for problem in problems if problem]
