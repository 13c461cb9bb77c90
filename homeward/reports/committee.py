"""The parts of the committee paper the author writes: who wrote it and whom to contact, the
implications every council report carries, background papers and context notes.

`parts(report)` gives them from the settings (HOMEWARD_REPORT_*), with the author's own
entries from the Reports page (`draft`) on top. A part the author has not written has a
neutral default that says plainly it is for the author to confirm; a name is never made up,
except the demonstration's, which says it is made up.
"""

import datetime as dt

from django.conf import settings

IMPLICATIONS = (
    ("financial", "Financial and staff implications"),
    ("legal", "Legal implications"),
    ("equalities", "Equalities implications"),
    ("risk", "Risk"),
)
NONE_IDENTIFIED = (
    "None are identified by the data in this paper. [For the author to confirm, or replace "
    "with the implications, before the paper is issued.]"
)
NO_BACKGROUND = "None. [For the author to confirm before the paper is issued.]"
NOT_GIVEN = "Not yet given. [The author enters this on the Reports page before issue.]"
DEMO_AUTHOR = {"name": "Alex Example (made up)", "role": "Head of Service, demonstration"}
DEMO_CONTACT = {
    "name": "Sam Sample (made up)",
    "role": "Missing Children Coordinator, demonstration",
    "details": "missing.demo@example.invalid",
}
FIELDS = (
    "author_name",
    "author_role",
    "contact_name",
    "contact_role",
    "contact_details",
    *(f"{key}_implications" for key, _ in IMPLICATIONS),
    "background_papers",
)


def parts(report: dict, draft: dict | None = None) -> dict:
    """The author's parts of the paper for `report`: settings, then the author's entries."""
    draft = draft or {}
    demo = bool(report["meta"].get("demo"))
    author = _person(
        draft,
        "author",
        settings.HOMEWARD_REPORT_AUTHOR_NAME,
        settings.HOMEWARD_REPORT_AUTHOR_ROLE,
        "",
        DEMO_AUTHOR if demo else None,
    )
    contact = _person(
        draft,
        "contact",
        settings.HOMEWARD_REPORT_CONTACT_NAME,
        settings.HOMEWARD_REPORT_CONTACT_ROLE,
        settings.HOMEWARD_REPORT_CONTACT_DETAILS,
        DEMO_CONTACT if demo else None,
    )
    implications = {}
    for key, heading in IMPLICATIONS:
        text = (draft.get(f"{key}_implications") or "").strip()
        implications[key] = {"heading": heading, "text": text, "confirmed": bool(text)}
    background = (draft.get("background_papers") or "").strip()
    return {
        "author": author,
        "contact": contact,
        "implications": implications,
        "background_papers": {"text": background, "confirmed": bool(background)},
        "context_notes": [note_json(n) for n in draft.get("context_notes") or []],
        "version": draft.get("version"),
        "issued": draft.get("issued"),
    }


def _person(draft, who, name, role, details, demo) -> dict:
    entered = {
        "name": (draft.get(f"{who}_name") or "").strip() or name or "",
        "role": (draft.get(f"{who}_role") or "").strip() or role or "",
        "details": (draft.get(f"{who}_details") or "").strip() or details or "",
    }
    if not entered["name"] and demo:
        entered = {"details": "", **demo}
    return entered


def note_json(note: dict) -> dict:
    """A context note as the JSON carries it: {"from", "to", "text"}, dates as ISO strings."""
    first, last = note.get("from"), note.get("to")
    return {
        "from": first.isoformat() if isinstance(first, dt.date) else first,
        "to": (last.isoformat() if isinstance(last, dt.date) else last) or None,
        "text": note["text"],
    }


def note_covers(note: dict, first: str, last: str) -> bool:
    """Whether a note's date or period overlaps the days from `first` to `last` (ISO)."""
    start = note["from"]
    end = note.get("to") or start
    return start <= last and end >= first


def missing_people(parts_: dict) -> list[str]:
    """What must still be given before the paper can be issued."""
    missing = []
    if not parts_["author"]["name"]:
        missing.append("the author's name")
    if not parts_["author"]["role"]:
        missing.append("the author's role")
    if not parts_["contact"]["name"]:
        missing.append("the contact officer's name")
    if not parts_["contact"]["details"] and not parts_["contact"]["role"]:
        missing.append("the contact officer's role or contact details")
    return missing
