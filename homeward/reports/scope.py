"""What a report covers: one council or all of them, optionally one locality, and its population."""

from dataclasses import dataclass

from django.conf import settings

from homeward.councils.models import Council, Locality
from homeward.episodes.models import Episode

ALL = "all"
UNKNOWN_COUNCIL = "There is no council with code '{code}'. Use the DfE three-digit code, or all."
UNKNOWN_LOCALITY = "There is no locality called '{name}' in {where}. Use one of: {known}."


class ScopeError(ValueError):
    """A council or locality the report cannot cover, with a sentence saying what to do."""


@dataclass(frozen=True)
class Place:
    """A locality and the population (aged 0-17) every rate for it is per."""

    id: int
    name: str
    council_code: str
    population: int


@dataclass(frozen=True)
class Scope:
    """The episodes a report counts: one council's (or every council's), perhaps one locality's."""

    council: Council | None
    places: tuple[Place, ...]
    locality: str | None = None

    @property
    def everywhere(self) -> bool:
        return self.council is None

    @property
    def code(self) -> str:
        return self.council.code if self.council else ALL

    @property
    def name(self) -> str:
        return self.council.name if self.council else "All councils"

    def episodes(self):
        """The episodes in scope, of both categories and any date."""
        episodes = Episode.objects.order_by()
        if self.council is not None:
            episodes = episodes.filter(council=self.council)
        if self.locality is not None:
            episodes = episodes.filter(locality__name=self.locality)
        return episodes

    def whole(self) -> "Scope":
        """The same councils without the locality, to compare every locality."""
        return Scope(council=self.council, places=self.places)

    @property
    def population(self) -> int | None:
        """Children aged 0-17 in the scope, or None when no population is recorded."""
        places = [p for p in self.places if self.locality in (None, p.name)]
        return sum(p.population for p in places) or None

    def place_label(self, place: Place) -> str:
        """A locality's name, with its council's code when every council is reported."""
        return f"{place.name} ({place.council_code})" if self.everywhere else place.name


def scope_for(council_code: str | None, locality: str | None = None) -> Scope:
    """The scope for a council code ("all", a DfE code, or None for this installation's)."""
    code = council_code or settings.HOMEWARD_COUNCIL
    council = None
    if code != ALL:
        council = Council.objects.filter(code=code).first()
        if council is None:
            raise ScopeError(UNKNOWN_COUNCIL.format(code=code))
    localities = Locality.objects.order_by("council__code", "name")
    if council is not None:
        localities = localities.filter(council=council)
    places = tuple(
        Place(p["id"], p["name"], p["council__code"], p["population_0_17"])
        for p in localities.values("id", "name", "council__code", "population_0_17")
    )
    if locality is not None and locality not in {p.name for p in places}:
        where = council.name if council else "any council"
        known = ", ".join(sorted({p.name for p in places})) or "none recorded"
        raise ScopeError(UNKNOWN_LOCALITY.format(name=locality, where=where, known=known))
    return Scope(council=council, places=places, locality=locality)


def council_scope(council: Council) -> Scope:
    """One council's episodes, for counts that need neither its localities nor population."""
    return Scope(council=council, places=())
