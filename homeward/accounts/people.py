"""The people pages: an administrator brings people in and out, sets their roles and
workplace, sends them a link to set their password, gives them a two-factor set-up code, and
allocates children to them. Also *Forgotten your password?* and the page an emailed link opens.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy

from homeward.access.rules import check_people, children_visible_to
from homeward.accounts import people_services as people
from homeward.accounts.models import StaffProfile
from homeward.accounts.people_forms import (
    NO_SUCH_CHILD,
    NOT_ACTIVE,
    AllocateToForm,
    ChildToAllocateForm,
    ForgottenPasswordForm,
    PeopleFilterForm,
    PersonCreateForm,
    PersonEditForm,
)
from homeward.accounts.two_factor import has_device
from homeward.audit.services import audit_refused
from homeward.children.allocations import (
    allocation_end,
    allocations_of_child,
    allocations_of_team,
    allocations_of_worker,
)
from homeward.children.models import Allocation
from homeward.children.services import child_allocate
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.installation import installation_council
from homeward.web.paging import paginate

log = logging.getLogger(__name__)

NOT_SENT = (
    "The email to {email} could not be sent (the mail server said: {why}). Nothing else "
    "was lost: send the link again from the person's page when email works."
)
LINK_SENT = "A link to set their password was emailed to {email}. It works once, for {hours} hours."
ASKED = (
    "If {email} is the email address of an active Homeward account, a link to set its "
    "password has been sent to it. The link works once, for {hours} hours. If nothing arrives, "
    "ask your Homeward administrator."
)


def _person(pk: int):
    return get_object_or_404(get_user_model(), pk=pk)


def _refused(request, form, error: ValidationError, obj=None) -> None:
    """Show a service's refusal on the form, and audit it."""
    told = error.message_dict if hasattr(error, "error_dict") else error.messages
    audit_refused(request=request, obj=obj, told=told)
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, error.messages)


def _send_link(request, user, *, new_account: bool = False) -> None:
    try:
        people.password_link_send(
            request=request, user=user, by=request.user, new_account=new_account
        )
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    except (smtplib.SMTPException, OSError) as problem:
        log.warning("Email to user %s not sent: %s", user.pk, type(problem).__name__)
        messages.error(request, NOT_SENT.format(email=user.email, why=problem))
    else:
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        messages.success(request, LINK_SENT.format(email=user.email, hours=hours))


@login_required
def index(request):
    """Everyone with an account: roles, workplace, active, two-factor and last sign-in."""
    check_people(request.user)
    form = PeopleFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    found = (
        get_user_model()
        .objects.order_by("username")
        .prefetch_related(
            "groups",
            "staff_profile__localities",
        )
    )
    found = found.select_related("staff_profile__council")
    if chosen.get("role"):
        found = found.filter(groups__name=chosen["role"])
    if chosen.get("active"):
        found = found.filter(is_active=chosen["active"] == "yes")
    page, query = paginate(request, found)
    for person in page.object_list:
        person.two_factor = has_device(person)
    return render(
        request, "accounts/people/index.html", {"form": form, "page": page, "query": query}
    )


@login_required
def create(request):
    check_people(request.user)
    council = installation_council()
    form = PersonCreateForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = people.person_create(
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role_names=data["role_names"],
                team=data["team"],
                localities=data["localities"],
                council=data["council"],
                by=request.user,
            )
        except ValidationError as refused:
            _refused(request, form, refused)
        else:
            _send_link(request, user, new_account=True)
            return redirect("people:detail", pk=user.pk)
    return render(request, "accounts/people/create.html", {"form": form})


@login_required
def detail(request, pk: int):
    check_people(request.user)
    person = _person(pk)
    profile = StaffProfile.objects.filter(user=person).select_related("council").first()
    context = {
        "person": person,
        "values": people.person_values(person),
        "profile": profile,
        "two_factor": has_device(person),
        "allocations": allocations_of_worker(person),
        "team_allocations": allocations_of_team(profile.team if profile else ""),
        "form": ChildToAllocateForm(),
    }
    return render(request, "accounts/people/detail.html", context)


@login_required
def edit(request, pk: int):
    check_people(request.user)
    person = _person(pk)
    profile = people.profile_of(person)
    values = people.person_values(person)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "role_names": values["roles"],
        "team": profile.team,
        "localities": list(profile.localities.values_list("pk", flat=True)),
        "council": profile.council_id,
        "version": profile.version,
    }
    council = profile.council or installation_council()
    form = PersonEditForm(request.POST or None, initial=initial, council=council)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            people.person_update(
                record=profile,
                expected_version=data["version"],
                by=request.user,
                **{name: data[name] for name in form.fields if name != "version"},
            )
        except ChangedByAnotherUser as clash:
            audit_refused(request=request, obj=person, told=str(clash))
            conflict = str(clash)
            # Theirs is shown; the person makes their change again on top of it.
            form = PersonEditForm(
                initial=initial
                | {
                    "role_names": people.person_values(person)["roles"],
                    "team": clash.record.team,
                    "council": clash.record.council_id,
                    "localities": list(clash.record.localities.values_list("pk", flat=True)),
                    "version": clash.record.version,
                },
                council=council,
            )
        except ValidationError as refused:
            _refused(request, form, refused, obj=person)
        else:
            messages.success(request, f"{person.get_username()}'s roles and workplace are saved.")
            return redirect("people:detail", pk=person.pk)
    context = {"form": form, "person": person, "profile": profile, "conflict": conflict}
    return render(request, "accounts/people/edit.html", context)


@login_required
def active(request, pk: int):
    """Deactivate a leaver, or reactivate them, after a page asking to confirm."""
    check_people(request.user)
    person = _person(pk)
    error = None
    if request.method == "POST":
        try:
            people.person_set_active(user=person, active=not person.is_active, by=request.user)
        except ValidationError as refused:
            audit_refused(request=request, obj=person, told=refused.messages)
            error = " ".join(refused.messages)
        else:
            person.refresh_from_db()
            done = (
                "reactivated: they can sign in again"
                if person.is_active
                else ("deactivated: they can no longer sign in, and their records and audit stay")
            )
            messages.success(request, f"{person.get_username()} is {done}.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "accounts/people/active.html", {"person": person, "error": error})


@login_required
def password_link(request, pk: int):
    check_people(request.user)
    person = _person(pk)
    if request.method == "POST":
        _send_link(request, person)
        return redirect("people:detail", pk=person.pk)
    return render(request, "accounts/people/password_link.html", {"person": person})


@login_required
def two_factor(request, pk: int):
    """A new two-factor set-up code, shown once; any device the person had is removed."""
    check_people(request.user)
    person = _person(pk)
    context = {"person": person, "has_device": has_device(person)}
    if request.method == "POST":
        context["code"] = people.two_factor_reissue(user=person, by=request.user)
        context["hours"] = settings.HOMEWARD_2FA_SET_UP_HOURS
    return render(request, "accounts/people/two_factor.html", context)


@login_required
def allocate(request, pk: int):
    """Allocate a child, found by local id, to this person."""
    check_people(request.user)
    person = _person(pk)
    form = ChildToAllocateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        local_id = form.cleaned_data["local_id"].strip()
        child = children_visible_to(request.user).filter(local_id=local_id).first()
        if not person.is_active:
            form.add_error(None, NOT_ACTIVE.format(username=person.get_username()))
        elif child is None:
            form.add_error("local_id", NO_SUCH_CHILD.format(local_id=local_id))
        else:
            child_allocate(child=child, worker=person, by=request.user)
            messages.success(
                request,
                f"{child} (local id {child.local_id}) is allocated to {person.get_username()}.",
            )
            return redirect("people:detail", pk=person.pk)
    return render(request, "accounts/people/allocate.html", {"person": person, "form": form})


@login_required
def allocate_child(request, child_pk: int):
    """Allocate the child whose page this came from to a person or a team."""
    check_people(request.user)
    child = get_object_or_404(children_visible_to(request.user), pk=child_pk)
    form = AllocateToForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        worker, team = form.cleaned_data["worker"], form.cleaned_data["team"]
        child_allocate(child=child, worker=worker, team=team, by=request.user)
        to = " and ".join(part for part in [worker and worker.get_username(), team.strip()] if part)
        messages.success(request, f"{child} is allocated to {to}.")
        return redirect("children:detail", pk=child.pk)
    context = {"child": child, "form": form, "allocations": allocations_of_child(child)}
    return render(request, "accounts/people/allocate_child.html", context)


@login_required
def end_allocation(request, pk: int):
    check_people(request.user)
    allocation = get_object_or_404(
        Allocation.objects.select_related("child", "worker").filter(
            child__in=children_visible_to(request.user)
        ),
        pk=pk,
    )
    back = request.POST.get("back") or request.GET.get("back") or ""
    error = None
    if request.method == "POST":
        try:
            allocation_end(allocation=allocation, by=request.user)
        except (ValidationError, ChangedByAnotherUser) as refused:
            told = " ".join(getattr(refused, "messages", [str(refused)]))
            audit_refused(request=request, obj=allocation, told=told)
            error = told
        else:
            to = allocation.worker or allocation.team
            messages.success(
                request,
                f"{allocation.child}'s allocation to {to} has ended: they no longer see the "
                "child through it.",
            )
            if back == "child":
                return redirect("children:detail", pk=allocation.child_id)
            if allocation.worker_id:
                return redirect("people:detail", pk=allocation.worker_id)
            return redirect("children:detail", pk=allocation.child_id)
    context = {"allocation": allocation, "back": back, "error": error}
    return render(request, "accounts/people/end_allocation.html", context)


def forgotten_password(request):
    """Send a link to set a new password, saying the same whether or not the account exists."""
    form = ForgottenPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        for user in people.people_with_email(email):
            try:
                people.password_link_send(request=request, user=user)
            except (smtplib.SMTPException, OSError) as problem:
                # Said to the operator, not to whoever asked: that would tell them the
                # account exists.
                log.error("Password link to user %s not sent: %s", user.pk, type(problem).__name__)
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        context = {"sent": ASKED.format(email=email, hours=hours)}
        return render(request, "accounts/people/forgotten_password.html", context)
    return render(request, "accounts/people/forgotten_password.html", {"form": form})


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The page an emailed link opens: set a password, once, before the link expires."""

    template_name = "accounts/people/set_password.html"
    success_url = reverse_lazy("accounts:sign-in")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # A leaver's old link opens nothing.
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        people.password_set_audit(request=self.request, user=form.user)
        messages.success(self.request, "Your password is set. Sign in with it now.")
        return response


set_password = SetPasswordView.as_view()
