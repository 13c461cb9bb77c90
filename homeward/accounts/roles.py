"""The roles people hold in Homeward, kept as Django auth groups of the same names."""

ADMINISTRATOR = "administrator"
MISSING_COORDINATOR = "missing coordinator"
PRACTITIONER = "practitioner"
EXPLOITATION_LEAD = "exploitation lead"
POLICE_LIAISON = "police liaison"
ANALYST = "analyst"
SCRUTINY = "scrutiny"

ROLES = (
    ADMINISTRATOR,
    MISSING_COORDINATOR,
    PRACTITIONER,
    EXPLOITATION_LEAD,
    POLICE_LIAISON,
    ANALYST,
    SCRUTINY,
)

# The people who work with named children day to day; analysts and scrutiny members see
# counts, not case lists.
CASEWORK_ROLES = (
    ADMINISTRATOR,
    MISSING_COORDINATOR,
    PRACTITIONER,
    EXPLOITATION_LEAD,
    POLICE_LIAISON,
)

NO_ROLE_FOR_PAGE = (
    "Your account does not have a role that can see this page. "
    "Ask your Homeward administrator if you need access."
)


def user_has_role(user, *roles: str) -> bool:
    """Whether a signed-in user holds at least one of the roles named."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.groups.filter(name__in=roles).exists()
