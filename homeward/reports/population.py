"""The page where the council's data officer loads its population aged 0-17 by ethnic group,
which the committee paper compares children missing with: what is loaded now, what a new
file replaces, and every problem of a refused one. The same loading as
`homeward load-population-by-ethnicity`: all of the file, or nothing."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from homeward.access.rules import check_population_loads
from homeward.audit.services import audit_refused
from homeward.benchmarks.ethnicity import population_load, population_loaded
from homeward.benchmarks.models import EthnicGroup
from homeward.borders.csvfile import FileRejected
from homeward.councils.installation import installation_council
from homeward.reports.forms import POPULATION_MAX_MB, PopulationUploadForm


@login_required
def population(request):
    """Show the council's loaded population by ethnic group and load a new file over it."""
    check_population_loads(request.user)
    council = installation_council()
    before = population_loaded(council.code)
    form = PopulationUploadForm(request.POST or None, request.FILES or None)
    context = {
        "form": form,
        "council": council,
        "before": before,
        "limit": POPULATION_MAX_MB,
        "table": _table(before),
        "headings": ["Children"],
    }
    if request.method == "POST" and form.is_valid():
        upload, source = form.cleaned_data["file"], form.cleaned_data["source"]
        try:
            loaded = population_load(
                data=upload.read(),
                name=upload.name,
                council_code=council.code,
                source=source,
                by=request.user,
            )
        except FileRejected as rejected:
            context["problems"] = rejected.problems
            told = [str(problem) for problem in rejected.problems]
            tried = {"file": upload.name, "source": source}
            audit_refused(request=request, obj=None, told=told, tried=tried)
        else:
            now = population_loaded(council.code)
            table, headings = _table(before, now), ["Before", "Now"]
            context |= {"loaded": loaded, "now": now, "table": table, "headings": headings}
    return render(request, "reports/population.html", context)


def _table(*states: dict | None) -> list[dict]:
    """Each group's children in each state (what was loaded, what is now), in DfE's order,
    and the total; a dash where a state holds none."""
    counts = [
        {g["group"]: g["count"] for g in state["groups"]} if state else {} for state in states
    ]
    rows = [
        {"label": group.label, "cells": [_count(c.get(group.value)) for c in counts]}
        for group in EthnicGroup
    ]
    totals = [_count(sum(c.values()) if c else None) for c in counts]
    return [*rows, {"label": "All children aged 0 to 17", "cells": totals, "total": True}]


def _count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"
