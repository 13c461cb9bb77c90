"""A corpus of bad bundles, as councils really send them: each refused with its exact
problems (file, row, column, reason), never a traceback, and the database left as it was."""

import pytest
from django.apps import apps
from django.db import connection

from homeward.core.codes import InterviewFactor
from homeward.episodes.models import Companion
from homeward.exchange.bundle_import import BundleRejected, import_bundle
from homeward.exchange.bundle_reading import MISNAMED_FILE, folder_files
from homeward.exchange.bundle_spec import FILES
from homeward.exchange.tests.bundles import (
    LOCALITIES,
    child,
    csv_text,
    episode,
    interview,
    write_bundle,
    write_file,
)

pytestmark = pytest.mark.django_db

MODELS = [apps.get_model(spec.model) for spec in FILES]


def state() -> dict:
    """Every record's id and version, and who was missing with whom."""
    found = {model.__name__: sorted(model.objects.values_list("pk", "version")) for model in MODELS}
    found["Companion"] = sorted(Companion.objects.values_list("episode_id", "child_id"))
    return found


@pytest.fixture
def recorded(tmp_path):
    """A council that already has records, so that "unchanged" means something."""
    write_bundle(
        tmp_path / "recorded",
        localities=LOCALITIES,
        children=[child("C1"), child("C2")],
        episodes=[episode("E1", "C1", seen_with="C2")],
    )
    import_bundle(tmp_path / "recorded", council_code="931")
    return state()


def children_and_episodes(count: int) -> tuple[list[dict], list[dict]]:
    """`count` new made-up children, each with one episode."""
    children = [child(f"N{n}", first_name="Madeup") for n in range(count)]
    episodes = [episode(f"NE{n}", f"N{n}") for n in range(count)]
    return children, episodes


def misnamed(folder):
    children, episodes = children_and_episodes(3)
    write_file(folder, "Children.csv", csv_text("children.csv", children))
    write_file(folder, "episodes.csv", csv_text("episodes.csv", episodes))


def upper_case_extension(folder):
    write_file(folder, "episodes.CSV", csv_text("episodes.csv", [episode("E7", "C1")]))


def a_copy(folder):
    write_file(folder, "episodes.csv", csv_text("episodes.csv", [episode("E1", "C1")]))
    write_file(folder, "episodes (1).csv", csv_text("episodes.csv", [episode("E1", "C1")]))


def unknown_and_spreadsheet(folder):
    write_file(folder, "episodes.csv", csv_text("episodes.csv", [episode("E1", "C1")]))
    write_file(folder, "notes.csv", "note\nMade-up note\n")
    (folder / "children.xlsx").write_bytes(b"PK\x03\x04")


def not_text_from_row_200(folder):
    children, episodes = children_and_episodes(300)
    text = csv_text("children.csv", children).encode()
    lines = text.split(b"\n")
    lines[199] = lines[199].replace(b"Madeup", b"Made\x81up")  # row 200: not 1252 either
    write_file(folder, "children.csv", b"\n".join(lines))
    write_file(folder, "episodes.csv", csv_text("episodes.csv", episodes))


def utf8_then_1252(folder):
    children = [child("C1", first_name="Zoë")] + [child(f"N{n}") for n in range(300)]
    text = csv_text("children.csv", children).encode()
    lines = text.split(b"\n")
    lines[250] = lines[250].replace(b"Madeup", "Siobhán".encode("cp1252"))
    write_file(folder, "children.csv", b"\n".join(lines))


def no_sex_column(folder):
    children, episodes = children_and_episodes(50)
    for row in children:
        del row["sex"]
    write_file(folder, "children.csv", csv_text("children.csv", children, leave_out=["sex"]))
    write_file(folder, "episodes.csv", csv_text("episodes.csv", episodes))


def unclosed_quote_over_the_field_limit(folder):
    children, episodes = children_and_episodes(4)
    text = csv_text("children.csv", children).replace("ChildN2,", '"ChildN2,', 1)
    text += "".join(f"N{n},Madeup,Long,2006-05-01,male,,,,\n" for n in range(10, 6000))
    write_file(folder, "children.csv", text)
    write_file(folder, "episodes.csv", csv_text("episodes.csv", episodes))


def a_cell_over_the_field_limit(folder):
    rows = [episode("E5", "C1", found_location="At a made-up park")]
    text = csv_text("episodes.csv", rows).replace(",At a made", "," + "x" * 140_000 + "At a made")
    write_file(folder, "episodes.csv", text)


def unclosed_quote_at_the_end(folder):
    rows = [episode("E5", "C1", found_location="At a made-up park")]
    text = csv_text("episodes.csv", rows).replace(",At a made", ',"At a made')
    write_file(folder, "episodes.csv", text)


def text_after_a_quote(folder):
    rows = [child("C5"), child("C6"), child("C7", sex="boy")]
    text = csv_text("children.csv", rows).replace("ChildC5", '"Child"C5', 1)
    write_file(folder, "children.csv", text)


def far_years_with_offsets(folder):
    rows = [
        episode("E5", "C1", last_seen_at="0001-01-01T00:00:00+01:00", reported_at=""),
        episode("E6", "C1", returned_at="9999-12-31T23:59:59-01:00"),
    ]
    write_file(folder, "episodes.csv", csv_text("episodes.csv", rows))


def nul_in_a_cell(folder):
    rows = [child("C5", first_name="Made\x00up")]
    write_file(folder, "children.csv", csv_text("children.csv", rows))


def empty_file(folder):
    write_file(folder, "children.csv", "")
    write_file(folder, "episodes.csv", csv_text("episodes.csv", [episode("E5", "C9")]))


def utf16(folder):
    text = csv_text("children.csv", [child("C5")])
    write_file(folder, "children.csv", text.encode("utf-16"))


def a_column_twice(folder):
    text = csv_text("children.csv", [child("C5")]).replace("police_id", "Sex", 1)
    write_file(folder, "children.csv", text)


def us_and_two_digit_dates(folder):
    rows = [child("C5", date_of_birth="05/13/2008"), child("C6", date_of_birth="01/02/08")]
    rows.append(child("C7", date_of_birth="30/02/2008"))
    write_file(folder, "children.csv", csv_text("children.csv", rows))
    written = {"last_seen_at": "14/03/2020", "reported_at": "", "returned_at": ""}
    rows = [episode("E5", "C5") | written]
    write_file(folder, "episodes.csv", csv_text("episodes.csv", rows))


def a_date_without_its_time(folder):
    rows = [interview("I5", "E1", completed_at="05/03/2020")]
    write_file(folder, "interviews.csv", csv_text("interviews.csv", rows))


def an_unknown_interview_code(folder):
    rows = [
        interview("I5", "E1", factors="pull_friends;made_up", conducted_by_type="agency"),
    ]
    write_file(folder, "interviews.csv", csv_text("interviews.csv", rows))


def localities_not_readable(folder):
    write_file(folder, "localities.csv", "locality\nOxford\nMade-up Vale\n")
    rows = [child("C5", home_locality="Made-up Vale"), child("C6", home_locality="Oxford")]
    rows.append(child("C7", home_locality="Made-up Vale"))
    write_file(folder, "children.csv", csv_text("children.csv", rows))


def a_row_with_a_stray_comma(folder):
    text = csv_text("children.csv", [child("C5"), child("C6")])
    write_file(folder, "children.csv", text.replace("ChildC5", "Child,C5", 1))
    rows = [episode("E5", "C5"), episode("E6", "C6"), episode("E7", "C9")]
    write_file(folder, "episodes.csv", csv_text("episodes.csv", rows))


def too_many_children(folder):
    rows = [{"locality": "Oxford", "population_0_17": "99999999999999999999"}]
    write_file(folder, "localities.csv", csv_text("localities.csv", rows))


NOT_CHECKED_CHILDREN = (
    "episodes.csv, child_id: {count} row(s) name a child that is not already recorded; they "
    "could not be checked, because children.csv could not be read (see its problem)."
)
NOT_UTF8_ROW = (
    "children.csv, row {row}: This row has bytes that are neither UTF-8 nor Windows-1252 text "
    "({found}), so the file was read no further. Save it as 'CSV UTF-8 (Comma "
    "delimited)' and import again."
)
UNCLOSED = (
    '{file}, row {row}, {column}: A quote (") opened in this cell is never closed, so the rest '
    "of the file would be read as one cell; the file was read no further. Close the quote, or "
    'write a quote inside a cell as two ("").'
)

CASES = {
    misnamed: [
        "Children.csv: This file looks like children.csv, but is not named exactly that. Rename "
        "it children.csv (file names are lower case, with no copy number).",
        NOT_CHECKED_CHILDREN.format(count=3),
    ],
    upper_case_extension: [
        "episodes.CSV: This file looks like episodes.csv, but is not named exactly that. Rename "
        "it episodes.csv (file names are lower case, with no copy number)."
    ],
    a_copy: [
        "episodes (1).csv: This file looks like a copy of episodes.csv, which is also in the "
        "folder. Take the copy out of the folder, or rename it episodes.csv in place of the other."
    ],
    unknown_and_spreadsheet: [
        "children.xlsx: This file looks like children.csv saved in another format. Save it as "
        "CSV (UTF-8) named children.csv.",
        "notes.csv: This CSV file is not one of the bundle's files (localities.csv, children.csv, "
        "placements.csv, episodes.csv, interviews.csv, screenings.csv). Rename it to the one it "
        "holds, or take it out of the folder.",
    ],
    not_text_from_row_200: [
        NOT_UTF8_ROW.format(row=200, found="byte 81 after 'Made'"),
        NOT_CHECKED_CHILDREN.format(count=102),
    ],
    utf8_then_1252: [
        "children.csv, row 251: This row has bytes that are not UTF-8 text (byte E1 after "
        "'Siobh') in a file that is UTF-8 elsewhere, so the file was read no further. Save it as "
        "'CSV UTF-8 (Comma delimited)' and import again."
    ],
    no_sex_column: [
        "children.csv, row 1, sex: The column 'sex' is missing from the header. Add it (it may "
        "be empty).",
        NOT_CHECKED_CHILDREN.format(count=50),
    ],
    unclosed_quote_over_the_field_limit: [
        UNCLOSED.format(file="children.csv", row=4, column="last_name"),
        NOT_CHECKED_CHILDREN.format(count=2),
    ],
    a_cell_over_the_field_limit: [
        "episodes.csv, row 2, found_location: This cell is longer than Homeward reads in one "
        "cell (131,072 characters), so the file was read no further. Shorten it, or check "
        "that no cell before it opened a quote it never closed."
    ],
    unclosed_quote_at_the_end: [
        UNCLOSED.format(file="episodes.csv", row=2, column="found_location"),
    ],
    text_after_a_quote: [
        "children.csv, row 2, last_name: This cell has text after its closing quote. Write a "
        'quote inside a cell as two (""), and put quotes around the whole cell.',
        "children.csv, row 4, sex: 'boy' is not a known sex. Use one of: male, female, other, "
        "unknown.",
    ],
    far_years_with_offsets: [
        "episodes.csv, row 2, last_seen_at: '0001-01-01T00:00:00+01:00' is outside the years 1 "
        "to 9999 once its offset is applied. Check the year.",
        "episodes.csv, row 3, returned_at: '9999-12-31T23:59:59-01:00' is outside the years 1 "
        "to 9999 once its offset is applied. Check the year.",
    ],
    nul_in_a_cell: [
        "children.csv, row 2, first_name: The first_name holds an invisible control character "
        "(U+0000), often left by copying from another system. Retype the text without it."
    ],
    empty_file: [
        "children.csv, row 1: The file is empty: it has no header row. Add the header row "
        "(docs/bundle.md), or take the file out of the folder.",
        NOT_CHECKED_CHILDREN.format(count=1),
    ],
    utf16: [
        "children.csv, row 1: The file is UTF-16 text (Excel's 'Unicode Text'), not CSV. Save it "
        "as 'CSV UTF-8 (Comma delimited)' and import again."
    ],
    a_column_twice: [
        "children.csv, row 1, sex: The column 'sex' is in the header more than once. Keep only one."
    ],
    us_and_two_digit_dates: [
        "children.csv, row 2, date_of_birth: '05/13/2008' is not a date read day first, as dates "
        "are written in the UK (DD/MM/YYYY). Check the day and the month, or write it as "
        "YYYY-MM-DD.",
        "children.csv, row 3, date_of_birth: '01/02/08' has a two-digit year, which could be in "
        "either century. Write the year in full, for example 14/03/2020.",
        "children.csv, row 4, date_of_birth: '30/02/2008' is not a date read day first, as dates "
        "are written in the UK (DD/MM/YYYY). Check the day and the month, or write it as "
        "YYYY-MM-DD.",
        "episodes.csv, row 2, last_seen_at: '14/03/2020' has a date but no time. Add the time, "
        "for example 14/03/2020 21:30.",
    ],
    a_date_without_its_time: [
        # Only the cell's own problem: not also "enter when the interview was completed".
        "interviews.csv, row 2, completed_at: '05/03/2020' has a date but no time. Add the "
        "time, for example 05/03/2020 21:30."
    ],
    localities_not_readable: [
        "localities.csv, row 1, population_0_17: The column 'population_0_17' is missing from "
        "the header. Add it (it may be empty).",
        "children.csv, home_locality: 2 row(s) name a locality Homeward does not have; they "
        "could not be checked, because localities.csv could not be read (see its problem).",
    ],
    a_row_with_a_stray_comma: [
        "children.csv, row 2: This row has 13 cells but the header has 12. Check for stray commas.",
        "episodes.csv, row 4, child_id: There is no child with id 'C9' in this bundle or already "
        "recorded for this council. Add it to children.csv or correct the id.",
    ],
    an_unknown_interview_code: [
        "interviews.csv, row 2, conducted_by_type: 'agency' is not a known interview holder. "
        "Use one of: team, commissioned.",
        "interviews.csv, row 2, factors: 'made_up' is not a factor code. Use codes from: "
        + ", ".join(InterviewFactor.values)
        + ", separated by ';'.",
    ],
    too_many_children: [
        "localities.csv, row 2, population_0_17: '99999999999999999999' is more than Homeward "
        "can record (2,147,483,647). Check the number."
    ],
}


@pytest.mark.parametrize("build", list(CASES), ids=lambda build: build.__name__)
def test_a_bad_bundle_is_refused_with_its_exact_problems_and_changes_nothing(
    build, recorded, tmp_path
):
    folder = tmp_path / "bad"
    folder.mkdir()
    build(folder)
    with pytest.raises(BundleRejected) as refused:
        import_bundle(folder, council_code="931")
    problems = [str(problem) for problem in refused.value.problems.in_order()]
    assert problems == [line.replace("{folder}", str(folder)) for line in CASES[build]]
    assert state() == recorded


def test_a_value_the_database_refuses_is_reported_with_its_cause(recorded, tmp_path):
    # A rule only the database knows (as a new constraint would be), refusing one name.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no checks pending before ALTER
            cursor.execute(
                "ALTER TABLE children_child ADD CONSTRAINT made_up_refusal "
                "CHECK (first_name <> 'Refused') NOT VALID"
            )
        else:
            cursor.execute(
                "CREATE TEMP TRIGGER made_up_refusal BEFORE INSERT ON children_child "
                "WHEN NEW.first_name = 'Refused' BEGIN "
                "SELECT RAISE(ABORT, 'made-up refusal of the name Refused'); END"
            )
    folder = write_bundle(tmp_path / "bad", children=[child("C5", first_name="Refused")])
    with pytest.raises(BundleRejected) as refused:
        import_bundle(folder, council_code="931")
    problems = [str(problem) for problem in refused.value.problems.in_order()]
    if connection.vendor == "postgresql":
        cause = 'new row for relation "children_child" violates check constraint "made_up_refusal"'
    else:
        cause = "made-up refusal of the name Refused"
    assert problems == [
        f"{folder}: The database refused to store this bundle, though its checks found nothing "
        f"wrong: {cause}. Nothing was imported. Import the bundle again; if this happens again, "
        "send this message to whoever supports Homeward."
    ]
    assert state() == recorded
    # The connection is still usable, and the staging tables are gone: a good import works.
    write_bundle(tmp_path / "good", children=[child("C5", first_name="Madeup")])
    assert import_bundle(tmp_path / "good", council_code="931").files["children.csv"].created == 1


EXTREMES = [
    "0001-01-01",
    "9999-12-31",
    "01/01/0001",
    "31/12/9999",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00",
    "9999-12-31T23:59:59",
    "31/12/9999 23:59",
]
# Every date and time column, with a row around it that is otherwise good.
TIMED = [
    ("children", "date_of_birth", lambda n, value: child(f"X{n}", date_of_birth=value)),
    ("episodes", "last_seen_at", lambda n, value: episode(f"X{n}", "C1") | LAST_SEEN(value)),
    ("episodes", "reported_at", lambda n, value: episode(f"X{n}", f"X{n}", reported_at=value)),
    ("episodes", "returned_at", lambda n, value: episode(f"X{n}", f"X{n}", returned_at=value)),
    (
        "episodes",
        "placing_la_notified_at",
        lambda n, value: episode(f"X{n}", f"X{n}", placing_la_notified_at=value),
    ),
    ("interviews", "offered_at", lambda n, value: interview(f"X{n}", "E1", offered_at=value)),
    ("interviews", "completed_at", lambda n, value: interview(f"X{n}", "E1", completed_at=value)),
    ("placements", "start_date", lambda n, value: placement(f"X{n}", start_date=value)),
    ("placements", "end_date", lambda n, value: placement(f"X{n}", end_date=value)),
    ("screenings", "completed_on", lambda n, value: screening(f"X{n}", completed_on=value)),
    ("screenings", "next_review_on", lambda n, value: screening(f"X{n}", next_review_on=value)),
]


def LAST_SEEN(value: str) -> dict:  # noqa: N802 (reads as a constant in the table above)
    return {"last_seen_at": value, "reported_at": "", "returned_at": ""}


def placement(ref: str, **values) -> dict:
    start = {"start_date": "2019-01-01", "placement_type": "foster"}
    return {"placement_id": ref, "child_id": "C1"} | start | values


def screening(ref: str, **values) -> dict:
    done = {"completed_on": "2020-03-10", "outcome": "low"}
    return {"screening_id": ref, "child_id": "C1"} | done | values


@pytest.mark.parametrize("file, column, row", TIMED, ids=[f"{f}.{c}" for f, c, _ in TIMED])
def test_the_first_and_last_years_are_a_problem_or_a_record_never_a_crash(
    file, column, row, recorded, tmp_path
):
    rows = [row(n, value) for n, value in enumerate(EXTREMES)]
    files = {file: rows}
    if file == "episodes" and column != "last_seen_at":
        files["children"] = [child(f"X{n}") for n in range(len(EXTREMES))]
    folder = write_bundle(tmp_path / "far", **files)
    try:
        import_bundle(folder, council_code="931")
    except BundleRejected as refused:
        problems = [str(problem) for problem in refused.problems.in_order()]
        assert all(problem.startswith(f"{file}.csv, row ") for problem in problems)
        assert state() == recorded


@pytest.mark.parametrize(
    "name, looks_like",
    [
        ("Children.csv", "children.csv"),
        ("EPISODES.CSV", "episodes.csv"),
        ("episodes (1).csv", "episodes.csv"),
        ("episodes - Copy (2).csv", "episodes.csv"),
        ("Copy of interviews.csv", "interviews.csv"),
        ("screenings copy 2.csv", "screenings.csv"),
        ("children.csv.csv", "children.csv"),
        (" Placements .csv", "placements.csv"),
    ],
)
def test_a_misnamed_file_says_which_file_it_looks_like(name, looks_like, tmp_path):
    (tmp_path / name).write_text("made-up\n")
    folder = folder_files(tmp_path)
    assert folder.problems == [(name, MISNAMED_FILE.format(expected=looks_like))]
    assert folder.misnamed == {looks_like} and not folder.present
