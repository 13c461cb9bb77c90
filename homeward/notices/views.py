"""The placing councils' pages: the list to tell, the preview and send, how else they were
told, and the public page on which a recipient acknowledges receipt."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from homeward.access.rules import (
    RECORD_EPISODE,
    check_action,
    check_case_pages,
    episodes_visible_to,
    may,
)
from homeward.alerts.outbox import emails_send_due
from homeward.audit.services import audit_refused
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.interviews.models import ReturnInterview
from homeward.notices import links
from homeward.notices.forms import AcknowledgedOtherwiseForm, AcknowledgeForm, SendForm, ToldForm
from homeward.notices.models import NoticeKind, PlacingCouncilNotice
from homeward.notices.selectors import due_for, is_overdue, sent_at_of, to_tell_list
from homeward.notices.services import (
    NOT_DUE,
    fingerprint,
    notice_acknowledge,
    notice_acknowledge_otherwise,
    notice_for_link,
    notice_record_told,
    notice_send,
    preview_of,
    sending_went,
)
from homeward.web.forms import add_service_errors
from homeward.web.paging import paginate

SENT = "The notification is sent to {council} ({count} recipients)."
QUEUED = (
    "The notification to {council} is recorded, but {left} of its emails could not be sent "
    "yet: Homeward tries again, and the list shows it until it is acknowledged."
)
TOLD = "Recorded how you told {council}. No email was sent."
ACKNOWLEDGED_OTHERWISE = (
    "Recorded that {council} acknowledged the {kind} notification ({how}, {name}). "
    "It is no longer chased."
)
SENT_KINDS = (
    NoticeKind.MISSING,
    NoticeKind.RETURNED,
    NoticeKind.INTERVIEW_OUTCOME,
    NoticeKind.CORRECTION,
)


@login_required
def index(request):
    """Placing councils to tell: what to send, with problems, and what awaits acknowledgement."""
    check_case_pages(request.user)
    lists = to_tell_list(user=request.user, now=timezone.now())
    to_send, send_query = paginate(request, lists["to_send"], param="send")
    awaiting, awaiting_query = paginate(request, lists["awaiting"], param="awaiting")
    context = {
        "to_send": to_send,
        "send_query": send_query,
        "awaiting": awaiting,
        "awaiting_query": awaiting_query,
        "sends": may(request.user, RECORD_EPISODE),
    }
    return render(request, "notices/index.html", context)


def _due(request, pk: int, kind: str, interview_pk: int | None):
    check_action(request.user, RECORD_EPISODE)
    if kind not in SENT_KINDS:
        raise Http404
    # A correction may be due of an episode entered in error: to say so.
    in_error = kind == NoticeKind.CORRECTION
    episode = get_object_or_404(episodes_visible_to(request.user, in_error=in_error), pk=pk)
    interview = None
    if interview_pk is not None:
        interview = get_object_or_404(ReturnInterview.objects, pk=interview_pk, episode=episode)
    # A correction names the notice it corrects (an episode may owe several: its missing,
    # returned and interview outcome notices').
    corrects = request.GET.get("of", "")
    corrects = int(corrects) if corrects.isdigit() else None
    return episode, due_for(episode=episode, kind=kind, interview=interview, corrects=corrects)


def _not_due(request, episode):
    """Nothing of this kind is due for the episode: said on a page of its own."""
    return render(request, "notices/not_due.html", {"episode": episode, "message": NOT_DUE})


@login_required
@require_http_methods(["GET", "POST"])
def send(request, pk: int, kind: str, interview_pk: int | None = None):
    """The notice exactly as it will be sent, and the one button that sends it."""
    episode, due = _due(request, pk, kind, interview_pk)
    if due is None:
        return _not_due(request, episode)
    now = timezone.now()
    content = preview_of(due, now=now)
    previewed = fingerprint(due, content)
    form = SendForm(request.POST or None)
    refused = []
    if request.method == "POST" and form.is_valid():
        try:
            notice = notice_send(
                due=due, now=now, by=request.user, expected=form.cleaned_data["previewed"]
            )
        except ValidationError as error:
            audit_refused(request=request, obj=episode, told={"": error.messages}, tried={})
            refused = error.messages
        else:
            return _sent(request, notice, due)
    # Always the fingerprint of the preview shown now: after a refusal, this is the new one.
    form = SendForm(initial={"previewed": previewed})
    context = {
        "due": due,
        "content": content,
        "form": form,
        "episode": episode,
        "refused": refused,
        "what": "correction" if due.kind == NoticeKind.CORRECTION else "notification",
    }
    return render(request, "notices/send.html", context)


def _sent(request, notice, due):
    """Send the notice's emails now, and say how that went."""
    emails_send_due(now=timezone.now())
    sent, left = sending_went(notice)
    council = due.placing_council.name
    if left:
        messages.warning(request, QUEUED.format(council=council, left=left))
    else:
        messages.success(request, SENT.format(council=council, count=sent))
    return redirect("notices:index")


@login_required
@require_http_methods(["GET", "POST"])
def told(request, pk: int, kind: str, interview_pk: int | None = None):
    """Record that the placing council was told another way (no email)."""
    episode, due = _due(request, pk, kind, interview_pk)
    if due is None:
        return _not_due(request, episode)
    form = ToldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice_record_told(
                due=due,
                how=form.cleaned_data["how"],
                told_at=form.cleaned_data["told_at"],
                now=timezone.now(),
                by=request.user,
            )
        except ValidationError as error:
            audit_refused(request=request, obj=episode, told=error.message_dict, tried={})
            add_service_errors(form, error)
        else:
            messages.success(request, TOLD.format(council=due.placing_council.name))
            return redirect("notices:index")
    return render(request, "notices/told.html", {"due": due, "form": form, "episode": episode})


@login_required
@require_http_methods(["GET", "POST"])
def acknowledged_otherwise(request, pk: int):
    """Record that a notice's recipients acknowledged it another way (a call, a reply)."""
    check_action(request.user, RECORD_EPISODE)
    # A correction of an episode recorded in error is awaited too: found like the list's.
    visible = episodes_visible_to(request.user, in_error=True)
    notice = get_object_or_404(
        PlacingCouncilNotice.objects.select_related("episode__child", "placing_council")
        .filter(episode__in=visible.values("pk"))
        .exclude(kind=NoticeKind.CHASE),
        pk=pk,
    )
    form = AcknowledgedOtherwiseForm(request.POST or None, initial={"version": notice.version})
    if request.method == "POST" and form.is_valid():
        try:
            saved = notice_acknowledge_otherwise(
                notice=notice,
                how=form.cleaned_data["how"],
                by_name=form.cleaned_data["by_name"],
                acknowledged_at=form.cleaned_data["acknowledged_at"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
                now=timezone.now(),
                by=request.user,
            )
        except ChangedByAnotherUser as clash:
            audit_refused(request=request, obj=notice, told=str(clash))
            # Shown with the notice as it is now, so that saving again is based on it.
            data = request.POST.copy()
            data["version"] = clash.record.version
            form = AcknowledgedOtherwiseForm(data)
            form.is_valid()
            form.add_error(None, str(clash))
            notice = clash.record
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                audit_refused(request=request, obj=notice, told=error.message_dict)
                add_service_errors(form, error)
            else:
                audit_refused(request=request, obj=notice, told={"": error.messages})
                form.add_error(None, error.messages)
        else:
            message = ACKNOWLEDGED_OTHERWISE.format(
                council=notice.placing_council.name,
                kind=notice.get_kind_display().lower(),
                how=saved.get_acknowledged_how_display().lower(),
                name=saved.acknowledged_by_name,
            )
            messages.success(request, message)
            return redirect("notices:index")
    notice.sent_at = sent_at_of(notice)
    notice.overdue = is_overdue(notice, timezone.now())
    context = {"notice": notice, "form": form, "episode": notice.episode}
    return render(request, "notices/acknowledged_otherwise.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def acknowledge(request, token: str):
    """Public: the recipient of a notice acknowledges receipt, giving their name."""
    try:
        notice = notice_for_link(token)
    except links.LinkRefused as refused:
        return _refused(request, refused)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice_acknowledge(token=token, name=form.cleaned_data["name"], now=timezone.now())
        except links.LinkRefused as refused:
            return _refused(request, refused)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "notices/acknowledged.html", {"council": notice.council})
    return render(request, "notices/acknowledge.html", {"form": form, "council": notice.council})


def _refused(request, refused: links.LinkRefused):
    status = 404 if str(refused) == links.LINK_NOT_VALID else 410
    return render(request, "notices/link_refused.html", {"message": str(refused)}, status=status)
