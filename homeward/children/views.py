"""Pages for children: finding a child, their story, recording a new child, and correcting a
child or a placement, with each one's change history."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from homeward.access.rules import (
    CANNOT_FIND_CHILD,
    CREATE_CHILD,
    MATCH_NOT_SHOWN,
    access_for,
    check_action,
    check_case_pages,
    may_see_who_looked,
    sees_every_child,
)
from homeward.audit.history import change_history
from homeward.audit.selectors import who_looked
from homeward.audit.services import audit_refused, record_look, record_search
from homeward.children.caseload import NO_CHILDREN_ALLOCATED, caseload
from homeward.children.forms import ChildEditForm, ChildForm, ChildSearchForm, PlacementEditForm
from homeward.children.models import Child, Placement, ethnicity_in_words
from homeward.children.selectors import (
    LIKELY_MATCH_FIELDS,
    child_headline,
    child_records,
    child_timeline,
    find_children,
    likely_matches,
    search_results,
    visible_children,
    with_record_flags,
)
from homeward.children.services import child_create, child_update, placement_update
from homeward.councils.installation import installation_council
from homeward.in_error.selectors import survivor_of
from homeward.interviews.selectors import interviews_due
from homeward.web.edits import EditPage, change_page, edit_record, page_labels, plain_values
from homeward.web.forms import add_service_errors
from homeward.web.paging import paginate

WHO_LOOKED_SHOWN = 50
MERGED_INTO = (
    "That record was merged into this one (local id {survivor}): everything recorded for the "
    "child is here."
)


@login_required
def mine(request):
    """The children allocated to the person or their team now, with what each needs, and the
    returns of theirs still owed an interview. Like the other case lists (Missing now,
    Interviews) it takes no search terms, so it writes no search to the audit log; opening a
    child's record from it is a look, audited there."""
    check_case_pages(request.user)
    now = timezone.now()
    context = {
        "caseload": caseload(user=request.user, council=installation_council(), now=now),
        "as_at": now,
        "nothing_allocated": NO_CHILDREN_ALLOCATED,
    }
    return render(request, "children/mine.html", context)


@login_required
def search(request):
    """Find a child by name, date of birth, local id or police id; filter by locality."""
    check_case_pages(request.user)
    council = installation_council()
    form = ChildSearchForm(request.GET or None, council=council)
    criteria = form.cleaned_data if form.is_valid() else {}
    locality = criteria.get("locality")
    today = timezone.localdate()
    found = find_children(
        user=request.user,
        council=council,
        text=criteria.get("q", ""),
        date_of_birth=criteria.get("date_of_birth"),
        locality_id=locality.pk if locality else None,
        today=today,
    )
    record_search(request=request)
    page, query = paginate(request, found.children)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "searched": bool(request.GET),
        "capped": found.capped_message,
        "results": search_results(user=request.user, children=list(page.object_list), today=today),
        # Said to everyone who sees only some children, whatever was found: never whether a
        # child they cannot see exists.
        "not_found_help": None if sees_every_child(request.user) else CANNOT_FIND_CHILD,
    }
    return render(request, "children/search.html", context)


@login_required
def detail(request, pk: int):
    """A child's headline facts and everything that happened to them, in one timeline."""
    check_case_pages(request.user)
    survivor = survivor_of(user=request.user, pk=pk)
    if survivor is not None:  # a duplicate merged into another record: the child lives there
        messages.info(request, MERGED_INTO.format(survivor=survivor.local_id))
        return redirect("children:detail", pk=survivor.pk)
    council = installation_council()
    children = visible_children(user=request.user, council=council)
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
        # What is owed: every return of the child still waiting for an interview.
        "interviews_owed": interviews_due(
            council=council, now=timezone.now(), user=request.user, child_id=child.pk
        ),
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
    matches = None
    if request.method == "POST" and form.is_valid():
        matches = likely_matches(
            user=request.user,
            council=council,
            **{name: form.cleaned_data[name] for name in LIKELY_MATCH_FIELDS},
        )
        if matches and request.POST.get("none_of_these") != matches.keys:
            # Nothing is created until the person has seen these and said none is the child.
            hidden = MATCH_NOT_SHOWN.format(
                count=matches.hidden, plural="" if matches.hidden == 1 else "es"
            )
            context = {
                "form": form,
                "matches": matches,
                "matches_hidden": matches.hidden and hidden,
            }
            return render(request, "children/create.html", context)
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
    return render(request, "children/create.html", {"form": form, "matches": matches})


# Corrections, through the one edit flow (web/edits.py), and each record's change history.
# Correcting a child's details or a placement is for those who may record a child.


CHILD_PAGE = change_page(ChildEditForm, purpose="child-edit")
PLACEMENT_PAGE = change_page(PlacementEditForm, purpose="placement-edit")


def _child(request, pk: int) -> Child:
    children = visible_children(user=request.user, council=installation_council())
    related = ("responsible_la", "home_locality", "created_by", "changed_by")
    return get_object_or_404(children.select_related(*related), pk=pk)


def _placement(request, pk: int) -> Placement:
    children = visible_children(user=request.user, council=installation_council())
    placements = Placement.objects.filter(child__in=children.values("pk"))
    related = ("child", "created_by", "changed_by")
    return get_object_or_404(placements.select_related(*related), pk=pk)


def _correct(request, page: EditPage, record, update, *, child: Child, heading: str, template):
    """A change page of the child's record: saved, back to the child; or shown (again)."""
    done = edit_record(
        request,
        page,
        record=record,
        update=update,
        refused=partial(audit_refused, request=request, obj=record),
        form_kwargs={"council": child.council},
    )
    if done.saved:
        messages.success(request, f"{heading}: saved.")
        return redirect("children:detail", pk=child.pk)
    record_look(request=request, child=child)
    context = {"form": done.form, "record": done.record, "conflict": done.conflict}
    return render(request, template, context | {"child": child, "heading": heading})


@login_required
def child_edit(request, pk: int):
    """Correct a child's details; refused, with what changed, if someone else saved first."""
    check_action(request.user, CREATE_CHILD)
    child = _child(request, pk)
    heading = f"Change the details of {child}"
    return _correct(
        request,
        CHILD_PAGE,
        child,
        _child_update,
        child=child,
        heading=heading,
        template="children/edit.html",
    )


def _child_update(*, record: Child, **save) -> Child:
    return child_update(child=record, **save)


@login_required
def placement_edit(request, pk: int):
    """Correct a placement; refused, with what changed, if someone else saved first."""
    check_action(request.user, CREATE_CHILD)
    placement = _placement(request, pk)
    return _correct(
        request,
        PLACEMENT_PAGE,
        placement,
        _placement_update,
        child=placement.child,
        heading=f"Change placement {placement.local_id}",
        template="children/placement_edit.html",
    )


def _placement_update(*, record: Placement, **save) -> Placement:
    return placement_update(placement=record, **save)


@login_required
def child_history(request, pk: int):
    """Every change to a child's details: who, when, from what to what."""
    check_case_pages(request.user)
    child = _child(request, pk)
    record_look(request=request, child=child)
    context = {
        "child": child,
        "record": child,
        "what": "the child's details",
        "history": change_history(
            child,
            labels=page_labels(CHILD_PAGE, council=child.council),
            words={"ethnicity": ethnicity_in_words},
        ),
    }
    return render(request, "history.html", context)


@login_required
def placement_history(request, pk: int):
    """Every change to a placement: who, when, from what to what."""
    check_case_pages(request.user)
    placement = _placement(request, pk)
    record_look(request=request, child=placement.child)
    shown = page_labels(PLACEMENT_PAGE, council=placement.child.council)
    context = {
        "child": placement.child,
        "record": placement,
        "what": f"placement {placement.local_id}",
        "history": change_history(placement, labels=shown),
    }
    return render(request, "history.html", context)
