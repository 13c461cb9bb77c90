from django.conf import settings


def installation(request):
    """Tell every page whether it shows the made-up demo county."""
    return {"homeward_demo": settings.HOMEWARD_DEMO}
