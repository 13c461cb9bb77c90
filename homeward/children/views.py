"""Pages for children: finding a child, their story, and recording a new child."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from homeward.access.rules import (
    CREATE_CHILD,
    access_for,
    check_action,
    check_case_pages,
    may_see_who_looked,
)
from homeward.audit.selectors import who_looked
from homeward.audit.services import audit_refused, record_look, record_search
from homeward.children.forms import ChildForm, ChildSearchForm
from homeward.children.selectors import (
    child_headline,
    child_records,
    child_timeline,
    children_search,
    visible_children,
    with_record_flags,
)
from homeward.children.services import child_create
from homeward.councils.installation import installation_council
from homeward.in_error.selectors import survivor_of
from homeward.web.edits import plain_values
from homeward.web.forms import add_service_errors
from homeward.web.paging import paginate

WHO_LOOKED_SHOWN = 50
MERGED_INTO = (
    "That record was merged into this one (local id {survivor}): everything recorded for the "
    "child is here."
)


@login_required
def search(request):
    """Find a child by name, date of birth, local id or police id; filter by locality."""
    check_case_pages(request.user)
    council = installation_council()
    form = ChildSearchForm(request.GET or None, council=council)
    criteria = form.cleaned_data if form.is_valid() else {}
    locality = criteria.get("locality")
    found = children_search(
        user=request.user,
        council=council,
        text=criteria.get("q", ""),
        date_of_birth=criteria.get("date_of_birth"),
        locality_id=locality.pk if locality else None,
    )
    record_search(request=request)
    page, query = paginate(request, found)
    searched = bool(request.GET)
    return render(
        request,
        "children/search.html",
        {"form": form, "page": page, "query": query, "searched": searched},
    )


@login_required
def detail(request, pk: int):
    """A child's headline facts and everything that happened to them, in one timeline."""
    check_case_pages(request.user)
    survivor = survivor_of(user=request.user, pk=pk)
    if survivor is not None:  # a duplicate merged into another record: the child lives there
        messages.info(request, MERGED_INTO.format(survivor=survivor.local_id))
        return redirect("children:detail", pk=survivor.pk)
    children = visible_children(user=request.user, council=installation_council())
    # 404, not 403, for a child this person may not see: whether they exist is itself private.
    child = get_object_or_404(
        with_record_flags(children).select_related(
            "responsible_la", "home_locality", "created_by", "changed_by"
        ),
        pk=pk,
    )
    record_look(request=request, child=child)
    looked = who_looked(child, limit=WHO_LOOKED_SHOWN) if may_see_who_looked(request.user) else None
    records = child_records(user=request.user, child=child)
    context = {
        "child": child,
        "headline": child_headline(records=records, today=timezone.localdate()),
        "timeline": child_timeline(records=records),
        "who_looked": looked,
        "opens_panel": access_for(request.user).panel,
    }
    return render(request, "children/detail.html", context)


@login_required
def create(request):
    """Record a child not known before; then, if asked, record their episode."""
    check_action(request.user, CREATE_CHILD)
    council = installation_council()
    form = ChildForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            child = child_create(council=council, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            audit_refused(
                request=request,
                obj=None,
                told=error.message_dict,
                tried=plain_values(form.cleaned_data),
            )
            add_service_errors(form, error)
        else:
            messages.success(request, f"{child} added.")
            if request.GET.get("then") == "episode":
                return redirect("episodes:record", child_pk=child.pk)
            return redirect("children:detail", pk=child.pk)
    return render(request, "children/create.html", {"form": form})
