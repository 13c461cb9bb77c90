"""The analyses the paper's recommendations ask for, one module each (docs/report-json.md,
`analyses`): each module counts (`count`), makes its publication version (`suppress`) and
says what its figures show (`findings`) from the same dict the tables show."""

from homeward.core.clock import Period
from homeward.reports.analyses import (
    adolescents,
    children_say,
    ethnicity,
    panel,
    placed,
    providers,
    quality,
    rhi_service,
)
from homeward.reports.scope import Scope

MODULES = {
    "adolescents": adolescents,
    "providers": providers,
    "placed": placed,
    "rhi_service": rhi_service,
    "children_say": children_say,
    "ethnicity": ethnicity,
    "panel": panel,
    "data_quality": quality,
}


def build(scope: Scope, period: Period, *, publication: bool = False) -> dict:
    """Every analysis for the period: its figures (suppressed for publication) and findings."""
    found = {}
    for name, module in MODULES.items():
        figures = module.count(scope, period)
        if publication:
            figures = module.suppress(figures)
        found[name] = figures | {"findings": module.findings(figures)}
    return found
