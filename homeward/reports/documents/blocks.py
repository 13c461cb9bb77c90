"""The shape of a committee paper: sections of blocks (paragraphs, lists, notes, tables,
charts) that the HTML, DOCX and PDF renderers lay out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from . import charts


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    title: str
    alt: str
    draw: Callable[[], object]
    table: Table

    def __post_init__(self):
        # The table beside a chart is named after it, so each can be found from the other.
        self.table.caption = f"Table: {self.title}"

    @cached_property
    def png(self) -> bytes:
        return charts.png(self.draw())

    @cached_property
    def svg(self) -> bytes:
        return charts.svg(self.draw())


@dataclass
class Bullets:
    items: list[str]
    numbered: bool = False


@dataclass
class Note:
    """A paragraph set apart: the demonstration and draft notices."""

    text: str


@dataclass
class Para:
    """A numbered paragraph: committee members refer to "paragraph 14"."""

    number: int
    text: str


Block = str | Para | Bullets | Table | Chart | Note


@dataclass
class Section:
    heading: str
    level: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Paper:
    title: str
    subtitle: str
    title_lines: list[str]
    notices: list[str]
    sections: list[Section]
    demo: bool
    publication: bool

    @property
    def tables(self) -> list[Table]:
        found = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Table):
                    found.append(block)
                elif isinstance(block, Chart):
                    found.append(block.table)
        return found

    @property
    def paragraphs(self) -> list[Para]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Para)]

    @property
    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]
