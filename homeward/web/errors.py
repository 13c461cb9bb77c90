"""The site's own page for a form refused by the CSRF check, in place of Django's."""

from django.shortcuts import render

FORM_REFUSED = (
    "This form could not be sent, so nothing was saved: it had been open too long, or "
    "your browser did not send the form's security check. Go back, reload the page, "
    "and try again."
)


def csrf_failure(request, reason: str = ""):
    """Refuse a form whose CSRF check failed, on the 403 page, saying what to do."""
    context = {"heading": "Your form could not be sent", "exception": FORM_REFUSED}
    return render(request, "403.html", context, status=403)
