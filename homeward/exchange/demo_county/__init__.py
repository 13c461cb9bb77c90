"""A made-up county for demonstrations, written as a data bundle (docs/bundle.md).

The county takes Oxfordshire's code (931) and is shaped on its published figures
(docs/demo-data.md cites them), but every child, carer, worker and provider in it is made up.
Plain Python: no Django models, no database. One `random.Random(seed)` drives everything,
and nothing iterates a set or a dict whose order could change, so a seed and a `today`
always give byte-identical files.

The parts, in the order `generate` uses them: `shape` (localities, kinds of children,
providers, names, calendar), `records` (the county being built), `children`, `placements`,
`episodes` (and returns, and who is missing now), `together` (children missing together),
`interviews` (return home interviews and screenings), `files` (writing the bundle) and
`summary` (the bundle's own figures).
"""

from datetime import date, datetime

from homeward.exchange.demo_county.children import (
    add_children_who_never_go_missing,
    start_children,
)
from homeward.exchange.demo_county.episodes import give_episodes, keep_some_missing_now
from homeward.exchange.demo_county.files import (
    children_file,
    episodes_file,
    localities_file,
    placements_file,
    write_bundle,
)
from homeward.exchange.demo_county.interviews import interviews_file, screenings_file
from homeward.exchange.demo_county.placements import give_placements
from homeward.exchange.demo_county.records import Bundle, County
from homeward.exchange.demo_county.shape import COUNCIL, KINDS, LONDON, noon
from homeward.exchange.demo_county.summary import read_bundle, summarise
from homeward.exchange.demo_county.together import link_companions

__all__ = ["COUNCIL", "LONDON", "Bundle", "generate", "noon", "read_bundle", "summarise"]
__all__ += ["write_bundle"]


def generate(seed: int, today: date, now: datetime | None = None) -> Bundle:
    """Build the demo county's bundle for a seed, as it stands at `now` (default noon `today`)."""
    return build(County(seed, today, now or noon(today)))


def build(county: County) -> Bundle:
    """Every part in its fixed order: each draws from the one generator, so order matters."""
    for kind in KINDS:
        start_children(county, kind)
    county.children.sort(key=lambda c: (c.window_start, c.kind.name, c.dob))
    for child in county.children:
        give_placements(county, child)
        give_episodes(county, child)
    county.children = [c for c in county.children if c.episodes]
    link_companions(county)
    keep_some_missing_now(county)
    number_ids(county)
    add_children_who_never_go_missing(county)
    return Bundle(
        files={
            "localities.csv": localities_file(),
            "children.csv": children_file(county),
            "placements.csv": placements_file(county),
            "episodes.csv": episodes_file(county),
            "interviews.csv": interviews_file(county),
            "screenings.csv": screenings_file(county),
        }
    )


def number_ids(county: County) -> None:
    """Ids in order of first appearance, so they read like a real system's."""
    county.children.sort(key=lambda c: (c.episodes[0].last_seen, c.window_start, c.dob))
    for number, child in enumerate(county.children, start=1):
        child.id = f"OX{number:06d}"
    for number, episode in enumerate(county.all_episodes(), start=1):
        episode.id = f"OXE{number:07d}"
