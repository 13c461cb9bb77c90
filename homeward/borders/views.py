"""Pages across council borders: the placed-in register, the children nobody told us about,
episodes of our children in other councils' areas, and the councils' contacts directory."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from homeward.access.rules import (
    RECORD_EPISODE,
    check_action,
    check_case_pages,
    check_directory_changes,
    check_register_changes,
    may_keep_directory,
    may_keep_register,
    placed_in_entries_visible_to,
    sees_every_child,
)
from homeward.audit.services import audit_refused, record_looks
from homeward.borders import register, services
from homeward.borders.csvfile import FileRejected
from homeward.borders.elsewhere_file import elsewhere_load
from homeward.borders.forms import (
    ChildContactForm,
    ContactEditForm,
    ContactForm,
    CreateChildForm,
    DischargeForm,
    ElsewhereForm,
    LinkForm,
    RegisterEditForm,
    RegisterFilter,
    RegisterForm,
    UploadForm,
)
from homeward.borders.models import ChildContact, CouncilContact
from homeward.borders.register_file import register_load
from homeward.borders.selectors import (
    CURRENT,
    council_directory,
    placed_in_register,
    unregistered_children,
    unregistered_children_count,
)
from homeward.children.models import Child
from homeward.children.selectors import likely_matches, visible_children
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.installation import installation_council
from homeward.web.edits import change_page, edit_record, plain_values
from homeward.web.forms import add_service_errors
from homeward.web.kept import posted_or_kept
from homeward.web.paging import paginate

NO_DIRECTORY = (
    "The councils' contacts directory is kept by Homeward administrators and read by missing "
    "children coordinators. Ask your Homeward administrator if you need an address."
)
NO_CHILD_WITH_ID = "No child you can see has the local id '{value}'. Check the id."
RECORDED = "The home's notice is on the register."
RECORDED_LINKED = "The home's notice is on the register, linked to {child}'s record."
RECORDED_UNLINKED = (
    "The home's notice is on the register. No record of this child was found by name and "
    "date of birth: link one, or create it, below."
)
DISCHARGED = "The child's discharge is recorded: they are now listed under 'Left'."
LINKED = "The entry is linked to {child}'s record."
CHILD_CREATED = "{child}'s record is created, as placed here by {council}, and linked."
ENTRY_SAVED = "The register entry is saved."
CHANGED_SINCE = "Someone changed this entry since you opened the page: check it and try again."
CONTACT_ADDED = "{email} is added to {council}'s contacts."
CONTACT_SAVED = "The contact is saved."
CONTACT_REMOVED = "{email} is removed from {council}'s contacts."
CHILD_CONTACT_ADDED = "The contact is recorded: {child}'s notifications go to them."
CHILD_CONTACT_REMOVED = "{email} is removed from the child's contacts."
ELSEWHERE_RECORDED = (
    "The episode in {council}'s area is recorded on {child}'s timeline and counted in this "
    "council's reports."
)


def _refused(request, record, error: ValidationError, form, aliases=None) -> None:
    """Audit a change that was refused (what the person was told and tried), and put the
    refusal on the form, each message against its field."""
    tried = plain_values(form.cleaned_data)
    audit_refused(request=request, obj=record, told=error.message_dict, tried=tried)
    add_service_errors(form, error, aliases=aliases)


# The placed-in register.


@login_required
def register_list(request):
    """Who is placed here now, and who left: filtered by placing council and home."""
    check_case_pages(request.user)
    filters = RegisterFilter(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    entries = placed_in_register(
        user=request.user,
        status=chosen.get("status") or CURRENT,
        placing_council=chosen.get("placing_council"),
        home=chosen.get("home", ""),
        unlinked_only=bool(chosen.get("unlinked")),
    )
    page, query = paginate(request, list(entries))
    record_looks(request=request, children=[e.child for e in page.object_list if e.child])
    context = {
        "filters": filters,
        "page": page,
        "query": query,
        "keeps": may_keep_register(request.user),
        "directory": may_keep_directory(request.user) or sees_every_child(request.user),
        "unregistered": unregistered_children_count(user=request.user),
    }
    return render(request, "borders/register.html", context)


def _entry(request, pk: int):
    return get_object_or_404(
        placed_in_entries_visible_to(request.user).select_related("placing_council", "child"),
        pk=pk,
    )


@login_required
def register_entry(request, pk: int):
    """One register entry: the notice's details, and linking it to the child's record."""
    check_case_pages(request.user)
    entry = _entry(request, pk)
    if entry.child:
        record_looks(request=request, children=[entry.child])
    matches = None
    if entry.child is None and may_keep_register(request.user):
        matches = likely_matches(
            user=request.user,
            council=entry.council,
            first_name=entry.first_name,
            last_name=entry.last_name,
            date_of_birth=entry.date_of_birth,
        )
    context = {
        "entry": entry,
        "keeps": may_keep_register(request.user),
        "matches": matches,
        "link_form": LinkForm(initial={"version": entry.version}),
        "create_form": CreateChildForm(initial={"version": entry.version}),
    }
    return render(request, "borders/entry.html", context)


@login_required
def register_record(request):
    """Record a home's notice of admission (a coordinator, from the home's email or letter)."""
    check_register_changes(request.user)
    council = installation_council()
    initial = {}
    child = _child_from_query(request)
    if child is not None:
        initial = {
            "child_id": child.local_id,
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth,
            "placing_council": child.responsible_la_id,
        }
    form = RegisterForm(posted_or_kept(request), initial=initial, council=council)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        local_id = values.pop("child_id").strip()
        chosen = None
        if local_id:
            chosen = visible_children(user=request.user, council=council).filter(local_id=local_id)
            chosen = chosen.first()
            if chosen is None:
                form.add_error("child_id", NO_CHILD_WITH_ID.format(value=local_id))
        if not form.errors:
            try:
                entry = register.placed_in_record(
                    council=council, child=chosen, by=request.user, **values
                )
            except ValidationError as error:
                _refused(request, None, error, form, aliases={"child": "child_id"})
            else:
                if entry.child is None:
                    messages.warning(request, RECORDED_UNLINKED)
                else:
                    messages.success(request, RECORDED_LINKED.format(child=entry.child))
                return redirect("borders:entry", pk=entry.pk)
    return render(request, "borders/register_form.html", {"form": form, "child": child})


def _child_from_query(request) -> Child | None:
    pk = request.GET.get("child", "")
    if not pk.isdigit():
        return None
    return visible_children(user=request.user, council=installation_council()).filter(pk=pk).first()


ENTRY_PAGE = change_page(RegisterEditForm, purpose="placed-in-entry-edit", without=("child_id",))
DISCHARGE_PAGE = change_page(DischargeForm, purpose="placed-in-discharge")


def _entry_update(*, record, **save):
    return register.placed_in_update(entry=record, **save)


def _edit_entry(request, pk: int, page, template: str, done: str):
    check_register_changes(request.user)
    entry = _entry(request, pk)
    edit = edit_record(
        request,
        page,
        record=entry,
        update=_entry_update,
        refused=partial(audit_refused, request=request, obj=entry),
        form_kwargs={"council": entry.council} if page is ENTRY_PAGE else None,
    )
    if edit.saved:
        messages.success(request, done)
        return redirect("borders:entry", pk=entry.pk)
    context = {"form": edit.form, "entry": edit.record, "conflict": edit.conflict}
    return render(request, template, context)


@login_required
def register_edit(request, pk: int):
    """Correct a register entry; refused, with their values, if someone else saved first."""
    return _edit_entry(request, pk, ENTRY_PAGE, "borders/register_form.html", ENTRY_SAVED)


@login_required
def register_discharge(request, pk: int):
    """Record the home's notice that the child left."""
    return _edit_entry(request, pk, DISCHARGE_PAGE, "borders/discharge.html", DISCHARGED)


@login_required
def register_link(request, pk: int):
    """Link an entry to the child's record, by the child's local id (the entry's page asks)."""
    check_register_changes(request.user)
    entry = _entry(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = LinkForm(request.POST)
    if form.is_valid():
        local_id = form.cleaned_data["child_id"].strip()
        child = visible_children(user=request.user, council=entry.council).filter(local_id=local_id)
        child = child.first()
        if child is None:
            messages.error(request, NO_CHILD_WITH_ID.format(value=local_id))
            return redirect("borders:entry", pk=entry.pk)
        return _one_change(
            request,
            entry,
            lambda: register.placed_in_link(
                entry=entry,
                child=child,
                expected_version=form.cleaned_data["version"],
                by=request.user,
            ),
            LINKED.format(child=child),
        )
    messages.error(request, "Enter the child's local id.")
    return redirect("borders:entry", pk=entry.pk)


@login_required
def register_create_child(request, pk: int):
    """Create the child's record from the entry, as placed here by the placing council."""
    check_register_changes(request.user)
    entry = _entry(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CreateChildForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the child's sex to create their record.")
        return redirect("borders:entry", pk=entry.pk)
    message = CHILD_CREATED.format(
        child=f"{entry.first_name} {entry.last_name}", council=entry.placing_council.name
    )
    return _one_change(
        request,
        entry,
        lambda: register.placed_in_create_child(
            entry=entry,
            sex=form.cleaned_data["sex"],
            expected_version=form.cleaned_data["version"],
            by=request.user,
        ),
        message,
    )


def _one_change(request, entry, change, done: str):
    try:
        change()
    except ChangedByAnotherUser as clash:
        audit_refused(request=request, obj=entry, told=str(clash))
        messages.error(request, CHANGED_SINCE)
    except ValidationError as error:
        audit_refused(request=request, obj=entry, told=error.message_dict)
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect("borders:entry", pk=entry.pk)


def _file_page(request, load, file_label: str, **page):
    """A page that loads an uploaded CSV file with `load(data=, name=)`: all of it, or
    nothing with every problem listed (and the refusal audited); `page` says what it is."""
    form = UploadForm(request.POST or None, request.FILES or None)
    form.fields["file"].label = file_label
    problems, loaded = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            loaded = load(data=upload.read(), name=upload.name)
        except FileRejected as rejected:
            problems = rejected.problems
            audit_refused(
                request=request,
                obj=None,
                told=[str(problem) for problem in problems],
                tried={"file": upload.name},
            )
    limit = settings.HOMEWARD_REGISTER_UPLOAD_MAX_MB
    context = {"form": form, "problems": problems, "loaded": loaded, "limit": limit, **page}
    return render(request, "borders/upload.html", context)


@login_required
def register_upload(request):
    """Load a CSV file of homes' notices: all of it, or nothing with every problem listed."""
    check_register_changes(request.user)
    return _file_page(
        request,
        partial(register_load, council=installation_council(), by=request.user),
        "CSV file of notices",
        heading="Load a file of homes' notices",
        caption="Placed-in register",
        about="Children's homes' notices of admission and discharge (regulation 41).",
        back_url=reverse("borders:register"),
        back_label="Back to the register",
        done_label="Go to the register",
    )


@login_required
def unregistered(request):
    """Placed-in children who went missing while no home's notice told us they were here."""
    check_case_pages(request.user)
    listed = unregistered_children(user=request.user)
    page, query = paginate(request, listed)
    record_looks(request=request, children=[row.child for row in page.object_list])
    context = {"page": page, "query": query, "keeps": may_keep_register(request.user)}
    return render(request, "borders/unregistered.html", context)


# Our children placed out: an episode in another council's area.


@login_required
def elsewhere_record(request, child_pk: int):
    """Record a host council's notice that one of our children went missing in its area."""
    check_action(request.user, RECORD_EPISODE)
    council = installation_council()
    child = get_object_or_404(visible_children(user=request.user, council=council), pk=child_pk)
    form = ElsewhereForm(posted_or_kept(request), council=council)
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_elsewhere_record(child=child, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, child, error, form)
        else:
            host = form.cleaned_data["host_council"].name
            messages.success(request, ELSEWHERE_RECORDED.format(council=host, child=child))
            return redirect("children:detail", pk=child.pk)
    return render(request, "borders/elsewhere_form.html", {"form": form, "child": child})


@login_required
def elsewhere_upload(request):
    """Load a CSV file of host councils' notifications: all of it, or nothing with every
    problem listed; each row about a child of ours this person may see."""
    check_action(request.user, RECORD_EPISODE)
    children = visible_children(user=request.user, council=installation_council())
    return _file_page(
        request,
        partial(elsewhere_load, children=children, by=request.user),
        "CSV file of host councils' notifications",
        heading="Load a file of host councils' notifications",
        caption="Our children placed out",
        about=(
            "Host councils' notifications that our children placed in their areas went "
            "missing: each row becomes an episode on the child's timeline, in the host "
            "council's area. A row already recorded is skipped, and said so."
        ),
        back_url=reverse("children:search"),
        back_label="Back to children",
        done_label="Go to children",
    )


# The councils' contacts directory.


def _check_directory_reading(user) -> None:
    if not (may_keep_directory(user) or sees_every_child(user)):
        raise PermissionDenied(NO_DIRECTORY)


@login_required
def directory(request):
    """Every council's addresses for missing-children notifications, by council."""
    _check_directory_reading(request.user)
    search = request.GET.get("council", "").strip()
    councils = council_directory(search=search)
    page, query = paginate(request, councils)
    context = {
        "page": page,
        "query": query,
        "search": search,
        "keeps": may_keep_directory(request.user),
    }
    return render(request, "borders/directory.html", context)


@login_required
def contact_add(request):
    """Add an address to a council's contacts (administrators)."""
    check_directory_changes(request.user)
    form = ContactForm(request.POST or None, initial={"council": request.GET.get("council")})
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.council_contact_add(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, None, error, form)
        else:
            message = CONTACT_ADDED.format(email=contact.email, council=contact.council.name)
            messages.success(request, message)
            return redirect(f"{_directory_url()}?council={contact.council.code}")
    return render(request, "borders/contact_form.html", {"form": form})


def _directory_url() -> str:
    return reverse("borders:directory")


CONTACT_PAGE = change_page(ContactEditForm, purpose="council-contact-edit")


def _contact_update(*, record, **save):
    return services.council_contact_change(
        contact=record,
        expected_version=save.pop("expected_version"),
        by=save.pop("by"),
        changes=save,
    )


@login_required
def contact_edit(request, pk: int):
    """Change an address, its purpose or name (administrators)."""
    check_directory_changes(request.user)
    contact = get_object_or_404(CouncilContact.objects.select_related("council"), pk=pk)
    edit = edit_record(
        request,
        CONTACT_PAGE,
        record=contact,
        update=_contact_update,
        refused=partial(audit_refused, request=request, obj=contact),
    )
    if edit.saved:
        messages.success(request, CONTACT_SAVED)
        return redirect(f"{_directory_url()}?council={contact.council.code}")
    context = {"form": edit.form, "contact": edit.record, "conflict": edit.conflict}
    return render(request, "borders/contact_form.html", context)


@login_required
def contact_remove(request, pk: int):
    """Remove an address, once the administrator has confirmed it."""
    check_directory_changes(request.user)
    contact = get_object_or_404(CouncilContact.objects.select_related("council"), pk=pk)
    if request.method == "POST":
        email, council = contact.email, contact.council
        services.council_contact_remove(contact=contact, by=request.user)
        messages.success(request, CONTACT_REMOVED.format(email=email, council=council.name))
        return redirect(f"{_directory_url()}?council={council.code}")
    return render(request, "borders/contact_remove.html", {"contact": contact})


# A placed-in child's own contacts at the placing council.


def _placed_in_child(request, child_pk: int) -> Child:
    check_register_changes(request.user)
    children = visible_children(user=request.user, council=installation_council())
    return get_object_or_404(children, pk=child_pk)


@login_required
def child_contact_add(request, child_pk: int):
    """Record a placed-in child's IRO or social worker at the placing council."""
    child = _placed_in_child(request, child_pk)
    form = ChildContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.child_contact_add(child=child, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, child, error, form)
        else:
            messages.success(request, CHILD_CONTACT_ADDED.format(child=child))
            return redirect("children:detail", pk=child.pk)
    return render(request, "borders/child_contact_form.html", {"form": form, "child": child})


@login_required
def child_contact_remove(request, pk: int):
    """Remove a child's contact, once the coordinator has confirmed it."""
    check_register_changes(request.user)
    children = visible_children(user=request.user, council=installation_council())
    contact = get_object_or_404(
        ChildContact.objects.select_related("child").filter(child__in=children), pk=pk
    )
    if request.method == "POST":
        child = contact.child
        services.child_contact_remove(contact=contact, by=request.user)
        messages.success(request, CHILD_CONTACT_REMOVED.format(email=contact.email))
        return redirect("children:detail", pk=child.pk)
    return render(request, "borders/child_contact_remove.html", {"contact": contact})
