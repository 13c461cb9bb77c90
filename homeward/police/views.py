"""The Notifications page (the review queue and what arrived, was linked, is held or could not
be read) and a notification's page, where a person links it, makes a new child from it, asks
for more, sets it aside, settles a conflict, or moves an episode linked to the wrong child."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from homeward.access.rules import (
    CORRECT_ERRORS,
    CREATE_CHILD,
    NOT_YOUR_ACTION,
    RECORD_EPISODE,
    access_for,
    check_action,
    may,
)
from homeward.audit.services import audit_refused, record_looks
from homeward.children.selectors import visible_children
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.installation import installation_council
from homeward.police import services
from homeward.police.forms import (
    ASK_MORE,
    CHECK,
    KEEP,
    LINK,
    NEW_CHILD,
    RELINK,
    RETRY,
    SET_ASIDE,
    NotificationActionForm,
)
from homeward.police.models import AUTOMATIC_LINKS, Notification, State
from homeward.police.selectors import (
    candidates_for,
    chosen,
    conflicts_of,
    disagreements,
    linked_child,
    notification_tabs,
    notifications_visible,
    raw_fields,
    side_by_side,
    what_moves,
)
from homeward.web.forms import add_service_errors
from homeward.web.paging import paginate

# The page's lists, in the order they are offered: (name, heading).
TABS = (
    ("review", "Waiting for review"),
    ("today", "Arrived today"),
    ("linked", "Linked automatically, to check"),
    ("held", "Held"),
    ("problems", "Could not be read or applied"),
)
# What each action needs the person's role to allow.
NEEDS = {
    LINK: RECORD_EPISODE,
    NEW_CHILD: CREATE_CHILD,
    ASK_MORE: RECORD_EPISODE,
    SET_ASIDE: RECORD_EPISODE,
    KEEP: RECORD_EPISODE,
    RELINK: CORRECT_ERRORS,
    CHECK: RECORD_EPISODE,
    RETRY: CORRECT_ERRORS,
}

LINKED = "Notification {ref} is linked to {child}. {outcome}"
NEW_CHILD_MADE = (
    "A new child, {child} (local id {local_id}), was made from the notification's details "
    "and notification {ref} linked to them. {outcome}"
)
ASKED = (
    "Your note is kept with notification {ref}. It stays in the queue, marked as waiting "
    "for more information."
)
SET_ASIDE_DONE = (
    "Notification {ref} is set aside: it no longer waits for review. It is kept, with your "
    "reason, as evidence."
)
KEPT_OURS = (
    "Episode {episode} keeps the coordinator's {fields}; the police's value is kept on the "
    "notification."
)
TOOK_THEIRS = "Episode {episode} now has the police's {fields}."
MOVED = (
    "Episode {episode} is moved from {old} to {new}, with its return home interview records, "
    "its police references, its risk grading history and its police notifications."
)
TRIED = "Notification {ref}: {said}"
CHECKED = (
    "The link of notification {ref} to {child} is checked: it leaves the list of links to check."
)
DETAILS_DISAGREE = (
    "The notification's {fields} {verb} not agree with {child}'s record. Check the two side "
    "by side below: {act} only if you are sure it is the same child."
)
LINK_ONLY_IF = "link"
MOVE_ONLY_IF = "move episode {episode}"
CHECK_THE_MOVE = "Check what will move to {child} before you move it."
NOT_MOVED = (
    "Episode {episode} was not moved: {what} was changed by {who} at {when}, after you opened "
    "this page. The page now shows it as it is: look again, then choose."
)
UNKNOWN_LIST = (
    "There is no list called '{asked}' on this page, so the list {default} is shown. "
    "The lists are {lists}."
)
NO_SUCH_CHILD = "There is no child with local id {local_id} that you may see."
NOT_THAT_CHILD = "That child is not one you may see. Choose another, or give their local id."


@login_required
def index(request):
    """What arrived today, what was linked without a person, the queue, held and problems."""
    check_action(request.user, RECORD_EPISODE)
    council = installation_council()
    tabs = notification_tabs(user=request.user, council=council, today=timezone.localdate())
    asked = request.GET.get("show")
    show = asked if asked in dict(TABS) else TABS[0][0]
    page, query = paginate(request, getattr(tabs, show))
    context = {
        "tabs": [
            {"name": name, "heading": heading, "count": getattr(tabs, name).count()}
            for name, heading in TABS
        ],
        "show": show,
        "heading": dict(TABS)[show],
        "page": page,
        "query": query,
        "may_upload": may(request.user, CREATE_CHILD),
        "unknown_list": _unknown_list(asked),
    }
    return render(request, "police/index.html", context)


def _unknown_list(asked: str | None) -> str:
    """What to say when the address asks for a list the page does not have (a link copied
    wrong, or an old one): which it is showing instead."""
    if asked is None or asked in dict(TABS):
        return ""
    lists = ", ".join(f"'{name}' ({heading.lower()})" for name, heading in TABS)
    return UNKNOWN_LIST.format(asked=asked[:40], default=TABS[0][1].lower(), lists=lists)


def _notification(request, pk: int) -> Notification:
    visible = notifications_visible(user=request.user, council=installation_council())
    chosen = visible.select_related(
        "child", "episode", "episode__child", "changed_by", "link_checked_by"
    )
    return get_object_or_404(chosen, pk=pk)


@dataclass
class Confirmation:
    """What an action will do, for the person to confirm before it is done."""

    action: str
    child: object
    data: dict
    differ: list[str] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


class ConfirmFirst(Exception):
    """The person must see what the action will do, and confirm it, before it is done."""

    def __init__(self, confirmation: Confirmation):
        super().__init__(confirmation.action)
        self.confirmation = confirmation


@login_required
def detail(request, pk: int):
    """What arrived, what became of it, and (POST) one action on it."""
    check_action(request.user, RECORD_EPISODE)
    notification = _notification(request, pk)
    form = NotificationActionForm(request.POST or None, conflicts=conflicts_of(notification))
    if request.method == "POST" and form.is_valid():
        said = _act(request, notification, form)
        if said:
            messages.success(request, " ".join(said.split()))
            return _after(request, pk)
        notification = _notification(request, pk)  # as it is now, if someone else changed it
    return render(request, "police/detail.html", _context(request, notification, form))


def _after(request, pk: int):
    """Back to the notification, or to the page's lists if it is no longer one to see."""
    if notifications_visible(user=request.user, council=installation_council()).filter(pk=pk):
        return redirect("notifications:detail", pk=pk)
    return redirect("notifications:index")


def _context(request, notification: Notification, form) -> dict:
    candidates = candidates_for(user=request.user, notification=notification)
    episode = notification.episode
    shown = [c.child for c in candidates.shown]
    if notification.child_id:
        shown.append(notification.child)
    confirm = getattr(form, "confirm", None)
    if confirm is not None:
        shown.append(confirm.child)
    record_looks(request=request, children=shown)
    actions = access_for(request.user).actions
    offered = {action for action, needs in NEEDS.items() if needs in actions}
    linked = linked_child(notification) if notification.state == State.APPLIED else None
    return {
        "confirm": confirm,
        "confirm_rows": _confirm_rows(notification, confirm),
        "confirm_shown": [_chosen(notification, confirm)] if confirm else [],
        "confirm_differ": _labels(confirm.differ) if confirm else [],
        "check_the_move": CHECK_THE_MOVE.format(child=confirm.child) if confirm else "",
        "disagree": _disagree_words(confirm, episode),
        "notification": notification,
        "form": form,
        "raw": raw_fields(notification),
        "candidates": candidates,
        "side_by_side": side_by_side(notification, candidates.shown),
        "in_review": notification.state == State.REVIEW,
        "episode": episode,
        "references": list(episode.police_refs.all()) if episode else [],
        "gradings": list(episode.risk_gradings.all()) if episode else [],
        "offered": offered,
        "conflicts": conflicts_of(notification),
        "linked": linked,
        "linked_shown": [linked] if linked else [],
        "linked_rows": side_by_side(notification, [linked]) if linked else [],
        "to_check": bool(linked)
        and notification.link_method in AUTOMATIC_LINKS
        and notification.link_checked_at is None,
    }


def _confirm_rows(notification: Notification, confirm: Confirmation | None) -> list:
    if confirm is None:
        return []
    return side_by_side(notification, [_chosen(notification, confirm)])


def _chosen(notification: Notification, confirm: Confirmation):
    """The child the person chose, saying how: by a button of theirs, or by local id."""
    return chosen(notification, confirm.child, by_local_id=not confirm.data.get("child"))


def _labels(differ: list[str]) -> list[str]:
    """The side-by-side rows' labels of the details that disagree."""
    return [label.capitalize() for label in differ]


def _disagree_words(confirm: Confirmation | None, episode) -> str:
    if confirm is None or not confirm.differ:
        return ""
    differ = confirm.differ
    fields = " and ".join([", ".join(differ[:-1]), differ[-1]] if len(differ) > 1 else differ)
    verb = "does" if len(differ) == 1 else "do"
    moving = confirm.action == RELINK and episode is not None
    act = MOVE_ONLY_IF.format(episode=episode.local_id) if moving else LINK_ONLY_IF
    return DETAILS_DISAGREE.format(fields=fields, verb=verb, child=confirm.child, act=act)


def _act(request, notification: Notification, form) -> str | None:
    """Take the action asked for; what it did in words, or None with the refusal on the form."""
    action = form.cleaned_data["action"]
    if NEEDS[action] not in access_for(request.user).actions:
        raise PermissionDenied(NOT_YOUR_ACTION)
    try:
        return ACTIONS[action](request, notification, form.cleaned_data)
    except ConfirmFirst as asked:
        form.confirm = asked.confirmation
    except ChangedByAnotherUser as clash:
        audit_refused(request=request, obj=notification, told=str(clash), tried=_tried(form))
        form.add_error(None, str(clash))
    except ValidationError as error:
        audit_refused(request=request, obj=notification, told=_told(error), tried=_tried(form))
        if hasattr(error, "error_dict"):
            add_service_errors(form, error)
        else:
            for message in error.messages:
                form.add_error(None, message)
    return None


def _told(error: ValidationError):
    return error.message_dict if hasattr(error, "error_dict") else error.messages


def _tried(form) -> dict:
    return {name: value for name, value in form.cleaned_data.items() if value not in ("", None)}


def _chosen_child(request, notification: Notification, data: dict):
    children = visible_children(user=request.user, council=notification.council)
    if data.get("child"):
        child = children.filter(pk=data["child"]).first()
        if child is None:
            raise ValidationError({"local_id": NOT_THAT_CHILD})
        return child
    local_id = data["local_id"].strip()
    child = children.filter(local_id__iexact=local_id).first()
    if child is None:
        raise ValidationError({"local_id": NO_SUCH_CHILD.format(local_id=local_id)})
    return child


def _link(request, notification: Notification, data: dict) -> str:
    child = _chosen_child(request, notification, data)
    # A candidate chosen with their button was shown side by side already. Any other child
    # (given by local id, or posted by hand) is shown now, and a disagreement is confirmed
    # before the link is made.
    candidates = {c.get("child_id") for c in notification.candidates or []}
    shown = data.get("child") and child.pk in candidates
    differ = [] if shown else disagreements(notification, child)
    if differ and not data.get("confirmed"):
        raise ConfirmFirst(Confirmation(action=LINK, child=child, data=data, differ=differ))
    done = services.notification_link(
        notification=notification, child=child, expected_version=data["version"], by=request.user
    )
    return LINKED.format(ref=done.police_ref, child=child, outcome=done.outcome)


def _new_child(request, notification: Notification, data: dict) -> str:
    done = services.notification_new_child(
        notification=notification, expected_version=data["version"], by=request.user
    )
    child = done.child
    return NEW_CHILD_MADE.format(
        child=child, local_id=child.local_id, ref=done.police_ref, outcome=done.outcome
    )


def _ask_more(request, notification: Notification, data: dict) -> str:
    services.notification_ask_more(
        notification=notification,
        note=data["note"].strip(),
        expected_version=data["version"],
        by=request.user,
    )
    return ASKED.format(ref=notification.police_ref)


def _set_aside(request, notification: Notification, data: dict) -> str:
    services.notification_set_aside(
        notification=notification,
        reason=data["reason"].strip(),
        expected_version=data["version"],
        by=request.user,
    )
    return SET_ASIDE_DONE.format(ref=notification.police_ref)


def _keep(request, notification: Notification, data: dict) -> str:
    conflicts = conflicts_of(notification)
    keeps = data.get("keeps") or dict.fromkeys((c.field for c in conflicts), data["keep"])
    done = services.notification_resolve_conflict(
        notification=notification,
        keep=keeps,
        expected_version=data["version"],
        by=request.user,
    )
    episode = done.episode.local_id if done.episode else ""
    said = []
    for kept, words in (("police", TOOK_THEIRS), ("coordinator", KEPT_OURS)):
        fields = " and ".join(c.label.lower() for c in conflicts if keeps.get(c.field) == kept)
        if fields:
            said.append(words.format(episode=episode, fields=fields))
    return " ".join(said)


def _relink(request, notification: Notification, data: dict) -> str:
    episode = notification.episode
    if episode is None:
        raise ValidationError(NOT_LINKED)
    child = _chosen_child(request, notification, data)
    if not data.get("confirmed"):
        moves, changes = what_moves(episode, child)
        differ = disagreements(notification, child)
        raise ConfirmFirst(
            Confirmation(RELINK, child, data, differ=differ, moves=moves, changes=changes)
        )
    old = episode.child
    try:
        services.episode_relink(
            episode=episode,
            child=child,
            expected_version=data["episode_version"],
            notification=notification,
            notification_version=data["version"],
            by=request.user,
        )
    except ChangedByAnotherUser as clash:
        record = clash.record
        if isinstance(record, Notification):
            what = f"notification {record.police_ref or 'without a reference'}"
        else:
            what = f"episode {episode.local_id}"
        who = getattr(record.changed_by, "username", None) or "someone else"
        when = timezone.localtime(record.changed_at).strftime("%-d %b %Y %H:%M")
        said = NOT_MOVED.format(episode=episode.local_id, what=what, who=who, when=when)
        raise ValidationError(said) from None
    return MOVED.format(episode=episode.local_id, old=old, new=child)


def _check(request, notification: Notification, data: dict) -> str:
    done = services.notification_check_link(
        notification=notification, expected_version=data["version"], by=request.user
    )
    return CHECKED.format(ref=done.police_ref, child=done.child)


def _retry(request, notification: Notification, data: dict) -> str:
    done = services.notification_retry(
        notification=notification, expected_version=data["version"], by=request.user
    )
    said = done.outcome.removeprefix(notification.outcome).strip()
    return TRIED.format(ref=done.police_ref, said=said)


NOT_LINKED = "This notification is not linked to an episode, so there is no link to undo."

ACTIONS = {
    LINK: _link,
    NEW_CHILD: _new_child,
    ASK_MORE: _ask_more,
    SET_ASIDE: _set_aside,
    KEEP: _keep,
    RELINK: _relink,
    CHECK: _check,
    RETRY: _retry,
}
