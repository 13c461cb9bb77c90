"""A person's alert choices; the emails Homeward sent; the demo's caught mail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from homeward.access.rules import check_emails_sent, emails_visible_to, may_manage_people
from homeward.alerts.forms import AlertChoicesForm, EmailFilterForm
from homeward.alerts.outbox import RETRYING, email_retry
from homeward.alerts.preferences import (
    KINDS,
    NO_ALERTS_FOR_ROLE,
    alert_choices_for,
    alert_choices_set,
    may_receive_alerts,
)
from homeward.alerts.selectors import (
    caught_message,
    caught_messages,
    emails_sent,
    mail_catcher_dir,
)
from homeward.web.paging import paginate

SAVED = "Your alert choices are saved."
SAVED_NONE = "Your alert choices are saved: Homeward will send you no alerts."
NO_ADDRESS = (
    "Your account has no email address, so Homeward cannot send you anything. Ask your "
    "Homeward administrator to add it."
)
NO_DEMO_MAIL = (
    "Only a Homeward administrator can read the demo's caught emails. Sign in as the demo's "
    "administrator."
)


@login_required
def preferences(request):
    """The person's own alert choices (their roles' defaults until they choose)."""
    allowed = may_receive_alerts(request.user)
    choices = alert_choices_for(request.user)
    chosen = [kind for kind in KINDS if choices.wants(kind)]
    # Nothing ticked posts nothing at all, and is still a choice: bound on every POST.
    posted = request.POST if request.method == "POST" else None
    form = AlertChoicesForm(posted, initial={"alerts": chosen})
    if request.method == "POST" and allowed and form.is_valid():
        picked = set(form.cleaned_data["alerts"])
        alert_choices_set(user=request.user, **{kind: kind in picked for kind in KINDS})
        messages.success(request, SAVED if picked else SAVED_NONE)
        return redirect("alerts:preferences")
    context = {
        "form": form,
        "allowed": allowed,
        "choices": choices,
        "chosen": chosen,
        "no_role": NO_ALERTS_FOR_ROLE,
        "no_address": NO_ADDRESS if not request.user.email else "",
    }
    return render(request, "alerts/preferences.html", context)


@login_required
def emails(request):
    """Every email Homeward sent or is sending: to whom, what, when, and how it went."""
    check_emails_sent(request.user)
    form = EmailFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page, query = paginate(request, emails_sent(user=request.user, status=status))
    return render(request, "alerts/emails.html", {"form": form, "page": page, "query": query})


@require_POST
@login_required
def retry(request, pk: int):
    """Try a failed email again with the next run of send-alerts."""
    check_emails_sent(request.user)
    email = get_object_or_404(emails_visible_to(request.user), pk=pk)
    try:
        email_retry(email=email, by=request.user)
    except ValueError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, RETRYING.format(pk=email.pk, to=email.to))
    return redirect("alerts:emails")


@login_required
def demo_mail(request):
    """The demo's caught emails (administrators; only where the mail catcher is set)."""
    _check_demo_mail(request.user)
    folder = mail_catcher_dir()
    return render(
        request, "alerts/demo_mail.html", {"messages_caught": caught_messages(), "folder": folder}
    )


@login_required
def demo_mail_message(request, name: str):
    _check_demo_mail(request.user)
    message = caught_message(name)
    if message is None:
        raise Http404
    return render(request, "alerts/demo_mail_message.html", {"message": message})


def _check_demo_mail(user) -> None:
    if mail_catcher_dir() is None:
        raise Http404
    if not may_manage_people(user):
        raise PermissionDenied(NO_DEMO_MAIL)
