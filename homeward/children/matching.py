"""How a name, an id or a date of birth typed into a search is matched to children.

A name is compared folded: no accents, no case, no apostrophes, other punctuation as spaces
("Zoë O’Brien-Smith" is "zoe obrien smith"), by pg_trgm's word similarity: how many of the
typed name's three-letter pieces are in the closest run of the child's name's pieces, over
all the pieces of both. So "Zoe" finds Zoë, "OBrien" and "o brien" find O'Brien, "Patel,
Abbie" finds Abbie Patel and "Abby Patel" finds her too, after the exact matches.

On PostgreSQL this is `unaccent` and `pg_trgm`: the function `homeward_name_key(first,
last)` (migration 0006) folds a name in SQL into the generated column `name_key`, a GIN
trigram index on that answers `<%`, and
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


@lru_cache(maxsize=100_000)
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


def _trigrams(text: str) -> list[str]:
    # As pg_trgm makes them, in order: each word padded with two spaces before, one after.
    return [
        padded[i : i + 3]
        for word in text.split()
        for padded in [f"  {word} "]
        for i in range(len(padded) - 2)
    ]


def word_similarity(query: str, key: str) -> float:
    """pg_trgm's word_similarity(query, key), computed as pg_trgm computes it: the greatest
    similarity (shared trigrams over all trigrams of both) between the query and any run of
    the key's trigrams, so that SQLite finds and ranks exactly as PostgreSQL does."""
    wanted = set(_trigrams(query))
    key_trigrams = _trigrams(key)
    if not wanted or wanted.isdisjoint(key_trigrams):
        return 0.0
    return _best_extent(wanted, key_trigrams)


def _best_extent(wanted: set[str], key: list[str]) -> float:
    # pg_trgm's iterate_word_similarity (trgm_op.c), without its strict and check-only modes.
    wanted_count = len(wanted)
    last_at: dict[str, int] = {}
    lower = -1
    count = in_extent = 0
    best = 0.0
    for i, trigram in enumerate(key):
        if lower >= 0 or trigram in wanted:
            if last_at.get(trigram, -1) < 0:
                in_extent += 1
                count += trigram in wanted
            last_at[trigram] = i
        if trigram not in wanted:
            continue
        if lower == -1:
            lower, in_extent = i, 1
        current = count / (wanted_count + in_extent - count)
        # Try moving the extent's start later, for a greater similarity.
        try_count, try_extent, previous_lower = count, in_extent, lower
        for try_lower in range(lower, i + 1):
            similarity = try_count / (wanted_count + try_extent - try_count)
            if similarity > current:
                current, in_extent, lower, count = similarity, try_extent, try_lower, try_count
            dropped = key[try_lower]
            if last_at.get(dropped, -1) == try_lower:
                try_extent -= 1
                try_count -= dropped in wanted
        best = max(best, current)
        for dropped_at in range(previous_lower, lower):
            if last_at.get(key[dropped_at], -1) == dropped_at:
                last_at[key[dropped_at]] = -1
    return best


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """On SQLite, the SQL functions PostgreSQL has from migration 0006 and pg_trgm."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("homeward_name_key", 2, name_key, deterministic=True)
    raw.create_function("homeward_word_similarity", 2, word_similarity, deterministic=True)


class NameKey(Func):
    """The child's folded name, as the trigram index holds it: on PostgreSQL the generated
    column name_key (migration 0006), which the model does not declare; on SQLite folded
    as the query reads each child."""

    function = "homeward_name_key"

    def __init__(self, **extra):
        super().__init__(F("first_name"), F("last_name"), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        first_name, params = compiler.compile(self.source_expressions[0])
        return first_name.removesuffix('"first_name"') + '"name_key"', params


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
