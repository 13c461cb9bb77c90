from django.conf import settings

from homeward.core.access import access_for


def installation(request):
    """Tell every page whether it shows the made-up demo county."""
    return {"homeward_demo": settings.HOMEWARD_DEMO}


def access(request):
    """What the signed-in person may record, so pages offer only the links they may follow."""
    user = getattr(request, "user", None)
    return {"may": access_for(user).actions if user is not None else frozenset()}
