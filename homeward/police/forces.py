"""The force pages (administrators, under People): add a police force, choose the councils
it sends notifications for, and issue, rotate and revoke the tokens its system uses on the
API. A token's secret is shown once, on the page that issues it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render

from homeward.access.rules import check_people
from homeward.audit.services import audit_refused
from homeward.councils.installation import not_this_homeward
from homeward.police.force_forms import CouncilsForm, ForceForm, TokenForm
from homeward.police.models import Force, ForceToken
from homeward.police.tokens import (
    force_create,
    force_token_issue,
    force_token_revoke,
    force_token_rotate,
    force_update,
)


@login_required
def index(request):
    """Every force, the councils it serves and how many tokens work."""
    check_people(request.user)
    working = Count("tokens", filter=Q(tokens__revoked_at=None))
    forces = Force.objects.annotate(working=working).prefetch_related("councils")
    return render(request, "police/forces/index.html", {"forces": forces})


@login_required
def create(request):
    check_people(request.user)
    form = ForceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            force = force_create(
                name=form.cleaned_data["name"],
                councils=form.cleaned_data["councils"],
                by=request.user,
            )
        except ValidationError as refused:
            audit_refused(request=request, obj=None, told=refused.message_dict)
            for field, said in refused.message_dict.items():
                form.add_error(field if field in form.fields else None, said)
        else:
            messages.success(request, f"{force.name} is added. Issue it a token next.")
            _warn_not_here(request, force)
            return redirect("forces:detail", pk=force.pk)
    return render(request, "police/forces/create.html", {"form": form})


@login_required
def detail(request, pk: int):
    check_people(request.user)
    force = get_object_or_404(Force, pk=pk)
    tokens = force.tokens.select_related("issued_by", "revoked_by")
    return render(request, "police/forces/detail.html", {"force": force, "tokens": tokens})


@login_required
def councils(request, pk: int):
    check_people(request.user)
    force = get_object_or_404(Force, pk=pk)
    chosen = list(force.councils.values_list("pk", flat=True))
    form = CouncilsForm(request.POST or None, initial={"councils": chosen})
    if request.method == "POST" and form.is_valid():
        force_update(force=force, councils=form.cleaned_data["councils"], by=request.user)
        served = ", ".join(str(c) for c in force.councils.all()) or "no council"
        messages.success(request, f"{force.name} now sends notifications for {served}.")
        _warn_not_here(request, force)
        return redirect("forces:detail", pk=force.pk)
    return render(request, "police/forces/councils.html", {"force": force, "form": form})


@login_required
def issue(request, pk: int):
    """A new token for the force; its secret is shown on the page that answers, once."""
    check_people(request.user)
    force = get_object_or_404(Force, pk=pk)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        issued = force_token_issue(force=force, label=form.cleaned_data["label"], by=request.user)
        return _shown_once(request, issued, rotated=None)
    return render(request, "police/forces/issue.html", {"force": force, "form": form})


@login_required
def rotate(request, pk: int):
    """Replace a token: the old one stops working at once; the new secret is shown once."""
    check_people(request.user)
    token = get_object_or_404(ForceToken.objects.select_related("force"), pk=pk)
    error = None
    if request.method == "POST":
        try:
            issued = force_token_rotate(token=token, by=request.user)
        except ValidationError as refused:
            audit_refused(request=request, obj=token, told=refused.messages)
            error = " ".join(refused.messages)
        else:
            return _shown_once(request, issued, rotated=token)
    context = {"token": token, "error": error}
    return render(request, "police/forces/rotate.html", context)


@login_required
def revoke(request, pk: int):
    check_people(request.user)
    token = get_object_or_404(ForceToken.objects.select_related("force"), pk=pk)
    error = None
    if request.method == "POST":
        try:
            force_token_revoke(token=token, by=request.user)
        except ValidationError as refused:
            audit_refused(request=request, obj=token, told=refused.messages)
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                f"Token {token.prefix} is revoked: the force's system is refused from its "
                "next call on.",
            )
            return redirect("forces:detail", pk=token.force_id)
    return render(request, "police/forces/revoke.html", {"token": token, "error": error})


def _warn_not_here(request, force) -> None:
    if warning := not_this_homeward(force.councils.all()):
        messages.warning(request, warning)


def _shown_once(request, issued, *, rotated: ForceToken | None):
    context = {"issued": issued, "force": issued.token.force, "rotated": rotated}
    return render(request, "police/forces/secret.html", context)
