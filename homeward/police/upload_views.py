"""The page where a coordinator uploads a force's CSV file of notifications: the same reading
as `homeward import-notifications`, and what became of each row shown after it."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from homeward.access.rules import CREATE_CHILD, access_for, check_action
from homeward.councils.installation import installation_council
from homeward.police.models import Source
from homeward.police.notification_file import import_notifications, note_lines, summary_lines
from homeward.police.selectors import notifications_visible
from homeward.police.upload_forms import UploadForm

BATCH = 500  # ids in one query: well inside SQLite's limit on a query's values
ANOTHER_COUNCIL = (
    "You work for another council, so you may not upload notifications for {council}. Ask "
    "{council}'s missing children coordinator to upload the file."
)
NOT_SHOWN = "Not shown: it concerns a child whose record you may not see."


@login_required
def upload(request):
    """Upload a CSV file of notifications; each row is kept as its own notification."""
    # A file's rows may concern any child of the council, and may make episodes for them:
    # only those who see every child and may record children (coordinators, administrators).
    check_action(request.user, CREATE_CHILD)
    council = installation_council()
    if access_for(request.user).council_id != council.pk:
        raise PermissionDenied(ANOTHER_COUNCIL.format(council=council.name))
    posted = request.method == "POST"
    form = UploadForm(request.POST, request.FILES) if posted else UploadForm()
    limit = settings.HOMEWARD_NOTIFICATION_UPLOAD_MAX_MB
    context = {"form": form, "size_hint": f"A CSV file of at most {limit} MB."}
    if posted and form.is_valid():
        chosen = form.cleaned_data["file"]
        result = import_notifications(
            chosen,
            name=chosen.name,
            council=council,
            force_name=form.cleaned_data["force"],
            source=Source.UPLOAD,
            by=request.user,
        )
        context |= {
            "result": result,
            "summary": summary_lines(result),
            "notes": note_lines(result),
            "kept": _kept(request.user, council, result),
        }
    return render(request, "police/upload.html", context)


def _kept(user, council, result) -> list[dict]:
    """The rows kept, each with what became of it: in full where this person may see the
    notification (the Notifications page's rule), otherwise its state alone."""
    pks = [kept.notification.pk for kept in result.kept]
    seen = notifications_visible(user=user, council=council)
    visible = set()
    for start in range(0, len(pks), BATCH):
        batch = pks[start : start + BATCH]
        visible |= set(seen.filter(pk__in=batch).values_list("pk", flat=True))
    rows = []
    for kept in result.kept:
        notification = kept.notification
        shown = notification.pk in visible
        rows.append(
            {
                "row": kept.row,
                "notification": notification,
                "created": kept.created,
                "outcome": notification.outcome if shown else NOT_SHOWN,
                "href": reverse("notifications:detail", args=[notification.pk]) if shown else "",
            }
        )
    return rows
