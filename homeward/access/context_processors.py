from homeward.access.rules import access_for


def access(request):
    """What the signed-in person may record, so pages offer only the links they may follow."""
    user = getattr(request, "user", None)
    return {"may": access_for(user).actions if user is not None else frozenset()}
