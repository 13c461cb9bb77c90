"""The front of the paper: title page and notices, Recommendation, Executive summary,
Analysis, Recommendations, and the sections every council report carries (implications,
background papers, author and contact officer).
"""

import datetime as dt

from homeward.reports.committee import NO_BACKGROUND, NONE_IDENTIFIED, NOT_GIVEN, note_covers
from homeward.reports.findings import added_by
from homeward.reports.rounding import percentage
from homeward.reports.wording import (
    change_clause,
    decimal,
    known,
    long_date,
    number,
    percent,
    plural,
    share,
    words,
)

from .blocks import Block, Section

# Findings about a change over time: the author's context note is put beside them.
CHANGES = ("rhi_special_cause", "year_on_year")
NOTE = "Context from the report's author ({when}): {text}"


def finding_span(found: dict, period: dict) -> tuple[str, str]:
    """The days a finding is about (ISO): its signal's months, or the report's period."""
    months = (found.get("evidence") or {}).get("months") or []
    if months:
        first = f"{months[0]}-01"
        last_month = dt.date.fromisoformat(f"{months[-1]}-01")
        following = (last_month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return first, (following - dt.timedelta(days=1)).isoformat()
    return period["from"], period["to"]


def context_note(note: dict) -> str:
    """The author's note as a paragraph, clearly the author's and not the data's."""
    when = long_date(note["from"])
    if note.get("to") and note["to"] != note["from"]:
        when = f"{when} to {long_date(note['to'])}"
    return NOTE.format(when=when, text=note["text"])


def _person(person: dict) -> str:
    if not person.get("name"):
        return NOT_GIVEN
    return ", ".join(
        part for part in (person["name"], person.get("role"), person.get("details")) if part
    )


NO_DATA = (
    "No data for this period: no child was recorded as missing or away in it, none returned "
    "in it and none was still missing at its end, so every figure below is zero. Check the "
    "period and the council, and that the data for the period have been recorded or imported."
)
UNFINISHED = (
    "This period has not ended: figures are to {to}, part of the period only. They are not "
    "compared with a year earlier, and this paper makes no recommendation from them. Produce "
    "the report again after {last} for the whole period."
)


class Front:
    """The parts of the paper before the data annex (mixed into the writer)."""

    def title_lines(self) -> list[str]:
        council = self.meta["council"]
        lines = ["Report to the Performance Scrutiny Committee"]
        if council["code"] == "all":
            lines.append("All councils in this installation")
        else:
            lines.append(f"{council['name']} (council {council['code']})")
        if self.meta.get("locality"):
            lines.append(f"Locality: {self.meta['locality']}")
        lines.append(f"Period: {self.meta['period']['label']}")
        if self.meta.get("generated_at"):
            lines.append(f"Figures counted on {long_date(self.meta['generated_at'][:10])}")
        if self.meta.get("publication"):
            lines.append("Publication version: figures for fewer than 5 children are shown as c")
        return lines

    def notices(self) -> list[str]:
        notices = []
        unfinished = self.meta.get("unfinished")
        if unfinished:
            notices.append(UNFINISHED.format(to=long_date(unfinished["to"]), last=self.to))
        if self.meta.get("no_data"):
            notices.append(NO_DATA)
        if self.meta.get("demo"):
            notices.append(
                "This paper is a demonstration. It is counted from Homeward's made-up demo "
                "county: every child in it is made up, and no figure in it describes a real "
                "council."
            )
        if not self.meta.get("publication"):
            notices.append(
                "Draft. The findings and recommendations are written from the data by "
                "Homeward's rules; the author should check each one, and edit or remove it, "
                "before the paper is issued."
            )
        return notices

    # --- the front of the paper ---------------------------------------------------------

    def recommendation(self) -> Section:
        actions = self.actions
        text = (
            f"The Committee is RECOMMENDED to note the figures for children who went missing "
            f"from home or care in {self.place} in {self.period}"
        )
        if actions:
            text += (
                f", and to endorse the {words(len(actions))} "
                f"{plural(len(actions), 'action', 'actions')} set out under Recommendations."
            )
        else:
            text += "."
        return Section("Recommendation", 1, [text])

    def executive_summary(self) -> Section:
        m = self.missing
        paragraphs = []
        from_where = f" from {self.meta['locality']}" if self.meta.get("locality") else ""
        sentence = (
            f"In {self.period}, {number(m['children'])} "
            f"{plural(m['children'], 'child was', 'children were')} reported missing{from_where} "
            f"{number(m['episodes'])} {plural(m['episodes'], 'time', 'times')}"
            f"{change_clause(self.previous, 'missing_episodes', 'episodes')}."
        )
        if m.get("rate_per_10k_children") is not None:
            sentence += (
                f" That is {decimal(m['rate_per_10k_children'])} children in every 10,000 aged "
                f"0 to 17 living in {self.place}."
            )
        paragraphs.append(sentence)
        paragraphs.append(self._repeat_sentence())
        rhi = self._rhi_sentence()
        if rhi:
            paragraphs.append(rhi)
        placed = self._placed_in_sentence()
        if placed:
            paragraphs.append(placed)
        away = self.report.get("away") or {}
        if known(away.get("episodes")) and away.get("episodes"):
            paragraphs.append(
                f"Separately, looked-after children were away from their placement without "
                f"authorisation {number(away['episodes'])} "
                f"{plural(away['episodes'], 'time', 'times')} (their whereabouts known, but not "
                f"where they should have been); these are not counted as missing."
            )
        if self.findings:
            paragraphs.append(
                f"The data point to {words(len(self.findings))} "
                f"{plural(len(self.findings), 'matter', 'matters')} for the Committee's "
                f"attention, set out under Analysis."
            )
        else:
            paragraphs.append(
                "Nothing in the data calls for the Committee's particular attention this period."
            )
        return Section("Executive summary", 1, paragraphs)

    def _repeat_sentence(self) -> str:
        m = self.missing
        parts = []
        repeat, children = m.get("repeat_children"), m["children"]
        if known(repeat) and children:
            parts.append(
                f"{number(repeat)} of the {number(children)} children "
                f"({percent(percentage(repeat, children))}) were reported missing more than once, "
                f"and on average each child went missing "
                f"{decimal(m.get('episodes_per_child'))} times"
            )
        duration = m.get("duration_hours") or {}
        if duration.get("median") is not None:
            parts.append(
                f"half of all episodes were over within {decimal(duration['median'])} hours"
            )
        open_at_end = m.get("open_at_end")
        if known(open_at_end):
            parts.append(
                f"{number(open_at_end)} {plural(open_at_end, 'episode', 'episodes')} had not "
                f"ended by the close of the period, the child not yet found"
                if open_at_end
                else "every episode had ended by the close of the period"
            )
        if not parts:
            return "No child was reported missing more than once."
        text = "; ".join(parts) + "."
        return text[0].upper() + text[1:]

    def _rhi_sentence(self) -> str | None:
        rhi = self.report.get("rhi") or {}
        if not rhi.get("returns"):
            return None
        target = self.meta.get("rhi_target_pct")
        within = rhi["completed_within_72h"]
        text = (
            f"Of the {number(rhi['returns'])} returns from a missing episode in the period, a "
            f"return home interview was offered within 72 hours after "
            f"{share(rhi['offered_within_72h'])} and completed within 72 hours after "
            f"{share(within)}"
        )
        if target is not None and known(within.get("pct")):
            below = within["pct"] < target
            text += f", {'below' if below else 'meeting'} the council's target of {target}%"
        return text + "."

    def _placed_in_sentence(self) -> str | None:
        placed = self.report.get("placed_in") or {}
        if not placed.get("episodes") or not known(placed.get("episodes")):
            return None
        return (
            f"Children placed here by other councils went missing "
            f"{number(placed['episodes'])} {plural(placed['episodes'], 'time', 'times')}; "
            f"their placing council was told within 24 hours for "
            f"{share(placed.get('notified_within_24h'))} of those episodes."
        )

    def analysis(self) -> Section:
        """The findings, each a paragraph, with the author's context note beside the change it
        explains; notes that explain no finding follow them."""
        notes = list(self.parts.get("context_notes") or [])
        blocks: list[Block] = []
        if not self.findings:
            blocks.append(
                "The rules Homeward applies to the figures found nothing to report this period."
            )
        for found in self.findings:
            # An author's own finding quotes no table: the paper says so beside it.
            note = added_by(found)
            blocks.append(f"{found['text']} ({note})" if note else found["text"])
            if found.get("rule") in CHANGES:
                first, last = finding_span(found, self.meta["period"])
                for note in [n for n in notes if note_covers(n, first, last)]:
                    blocks.append(context_note(note))
                    notes.remove(note)
        blocks.extend(context_note(n) for n in notes)
        return Section("Analysis", 1, blocks)

    def recommendations(self) -> Section:
        actions = self.actions
        if not actions and self.meta.get("unfinished"):
            return Section(
                "Recommendations",
                1,
                [
                    "There are no recommendations: the period has not ended, and part of a period "
                    "is not enough to recommend an action on."
                ],
            )
        if not actions:
            return Section(
                "Recommendations", 1, ["There are no recommendations beyond noting this paper."]
            )
        return Section(
            "Recommendations", 1, ["The Committee is asked to endorse these actions.", *actions]
        )

    def committee_sections(self) -> list[Section]:
        """The sections every council report carries, as the author wrote or confirmed them."""
        sections = [
            Section(part["heading"], 1, [part["text"] or NONE_IDENTIFIED])
            for part in self.parts["implications"].values()
        ]
        background = self.parts["background_papers"]["text"] or NO_BACKGROUND
        sections.append(Section("Background papers", 1, [background]))
        author, contact = self.parts["author"], self.parts["contact"]
        sections.append(
            Section(
                "Report author and contact officer",
                1,
                [
                    f"Report author: {_person(author)}.",
                    f"Contact officer: {_person(contact)}.",
                ],
            )
        )
        return sections
