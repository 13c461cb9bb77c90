"""How a name, an id or a date of birth typed into a search is matched to children.

A name is compared folded: no accents, no case, no apostrophes, other punctuation as spaces
("Zoë O’Brien-Smith" is "zoe obrien smith"), by trigram word similarity: the share of the
typed name's three-letter pieces found in the child's name. So "Zoe" finds Zoë, "OBrien"
and "o brien" find O'Brien, "Patel, Abbie" finds Abbie Patel and "Abby Patel" finds her
too, after the exact matches.

On PostgreSQL this is `unaccent` and `pg_trgm`: the function `homeward_name_key(first,
last)` (migration 0006) folds a name in SQL, a GIN trigram index on it answers `<%`, and
`word_similarity` ranks. On SQLite the same functions are registered in Python (below) on
every connection, with the same folding and the same measure, so both databases find and
rank the same children.
"""

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from django.db.models import BooleanField, F, FloatField, Func, Value

# pg_trgm's default `pg_trgm.word_similarity_threshold`, which the `<%` operator uses.
WORD_SIMILARITY = 0.6

# Letters NFKD does not take apart but unaccent folds (a few that English records meet).
_LETTERS = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "æ": "ae", "Æ": "AE"}
    | {"œ": "oe", "Œ": "OE", "ı": "i", "ð": "d", "þ": "th"}
)
_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_LETTERS = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """A name as compared: 'Zoë O’Brien-Smith' -> 'zoe obrien smith'."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return _NOT_LETTERS.sub(" ", _APOSTROPHES.sub("", text)).strip()


@lru_cache(maxsize=400_000)
def name_key(first_name: str, last_name: str) -> str:
    """A child's name as compared (the SQL function homeward_name_key)."""
    return fold(f"{first_name} {last_name}")


def name_queries(text: str) -> list[str]:
    """The folded forms a typed name is compared in: as typed, and with a lone letter joined
    to the word after it ("o brien" is also "obrien"; "Patel, Abbie" is "patel abbie")."""
    folded = fold(text)
    if not folded:
        return []
    joined = re.sub(r"\b(\w) (?=\w)", r"\1", folded)
    return [folded] if joined == folded else [folded, joined]


@lru_cache(maxsize=400_000)
def _trigrams(text: str) -> frozenset[str]:
    # As pg_trgm: each word padded with two spaces before and one after.
    return frozenset(
        padded[i : i + 3]
        for word in text.split()
        for padded in [f"  {word} "]
        for i in range(len(padded) - 2)
    )


def word_similarity(query: str, key: str) -> float:
    """The share of the query's trigrams found in the key (pg_trgm's word_similarity)."""
    wanted = _trigrams(query)
    if not wanted:
        return 0.0
    return len(wanted & _trigrams(key)) / len(wanted)


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """On SQLite, the SQL functions PostgreSQL has from migration 0006 and pg_trgm."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("homeward_name_key", 2, name_key, deterministic=True)
    raw.create_function("homeward_word_similarity", 2, word_similarity, deterministic=True)


class NameKey(Func):
    """The child's folded name, as the trigram index holds it."""

    function = "homeward_name_key"

    def __init__(self, **extra):
        super().__init__(F("first_name"), F("last_name"), **extra)


class WordSimilarity(Func):
    output_field = FloatField()

    def __init__(self, query: str, **extra):
        super().__init__(Value(query), NameKey(), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="word_similarity", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="homeward_word_similarity", **extra)


class NameMatches(Func):
    """Whether the query's trigrams are WORD_SIMILARITY of the child's name: `query <% key`,
    which PostgreSQL answers from the GIN trigram index."""

    output_field = BooleanField()

    def __init__(self, query: str, **extra):
        super().__init__(Value(query), NameKey(), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" <%% ")

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=f"(homeward_word_similarity(%(expressions)s) >= {WORD_SIMILARITY})",
        )


# Dates of birth as people in England type them.
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDS = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4}|\d{2})\b", re.I)


def _year(text: str, today: dt.date) -> int:
    year = int(text)
    if len(text) == 2:  # "12" is 2012; "95" is 1995 (a date of birth is never in the future)
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def find_date(text: str, today: dt.date) -> tuple[dt.date | None, str]:
    """A date of birth in what was typed (3/4/2012, 03/04/2012, 3.4.12, 3 April 2012,
    3 Apr 2012, 2012-04-03), and the rest of the text; (None, text) when there is none."""
    for pattern, parts in (
        (_ISO, lambda m: (m[1], m[2], m[3])),
        (_NUMERIC, lambda m: (_year(m[3], today), m[2], m[1])),
        (_WORDS, lambda m: (_year(m[3], today), _MONTHS.get(m[2].lower()), m[1])),
    ):
        match = pattern.search(text)
        if not match:
            continue
        year, month, day = parts(match)
        if month is None:
            continue
        try:
            found = dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
        return found, (text[: match.start()] + " " + text[match.end() :]).strip()
    return None, text
