"""Reading a force's notification: every field as the police write it, every refusal named."""

import datetime as dt

from homeward.police.reading import fingerprint, read_notification

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
MISSING = {
    "force": "Thames Valley Police",
    "police_ref": "TVP-26-0412",
    "event": "missing",
    "last_seen_at": "14/03/2026 21:30",
    "first_name": "Ayla",
    "last_name": "Testchild",
    "date_of_birth": "02/05/2011",
    "sex": "F",
    "postcode": " ox4  1aa ",
    "risk": "High Risk",
}


def read(**changes):
    return read_notification(MISSING | changes, now=NOW)


def fields(reading):
    return {problem.field for problem in reading.problems}


def test_it_reads_police_dates_in_europe_london():
    reading = read()
    assert reading.problems == []
    # 21:30 on 14 March is GMT; in June it would be BST.
    assert reading.values["last_seen_at"] == dt.datetime(2026, 3, 14, 21, 30, tzinfo=dt.UTC)
    summer = read(last_seen_at="14/06/2025 21:30").values["last_seen_at"]
    assert summer == dt.datetime(2025, 6, 14, 20, 30, tzinfo=dt.UTC)
    assert reading.values["date_of_birth"] == dt.date(2011, 5, 2)


def test_it_reads_iso_8601_with_an_offset():
    at = read(last_seen_at="2026-03-14T21:30:00+01:00").values["last_seen_at"]
    assert at == dt.datetime(2026, 3, 14, 20, 30, tzinfo=dt.UTC)


def test_it_keeps_the_forces_risk_word_and_maps_it():
    assert read().values["risk"] == "High Risk"
    assert read().risk_grade == "high"
    own_word = read(risk="Amber")
    assert own_word.values["risk"] == "Amber" and own_word.risk_grade == ""
    assert own_word.problems == []


def test_it_normalises_codes_and_postcodes():
    reading = read(event="Absent", missing_from="Placement")
    assert reading.values["event"] == "away"
    assert reading.values["sex"] == "female"
    assert reading.values["postcode"] == "OX4 1AA"
    assert reading.values["missing_from"] == "placement"


def test_it_names_each_field_it_cannot_read():
    reading = read(event="vanished", date_of_birth="31/02/2011", sex="x", last_seen_at="soon")
    assert fields(reading) == {"event", "date_of_birth", "sex", "last_seen_at"}
    assert "missing, update, found or away" in " ".join(p.message for p in reading.problems)


def test_a_missing_report_needs_a_reference_a_time_and_a_child():
    reading = read(police_ref="", last_seen_at="", first_name="", last_name="")
    assert fields(reading) == {"police_ref", "last_seen_at", "last_name"}
    by_police_id = read(first_name="", last_name="", police_id="TV123")
    assert by_police_id.problems == []


def test_an_update_needs_only_its_reference():
    reading = read_notification(
        {"police_ref": "TVP-26-0412", "event": "update", "risk": "medium"}, now=NOW
    )
    assert reading.problems == []


def test_it_refuses_times_in_the_future_and_before_birth():
    assert fields(read(last_seen_at="01/07/2026 10:00")) == {"last_seen_at"}
    assert fields(read(date_of_birth="01/04/2026")) == {"date_of_birth"}
    assert fields(read(found_at="14/03/2026 20:00")) == {"found_at"}


def test_it_refuses_control_characters_and_overlong_text():
    assert fields(read(first_name="Ay\x00la")) == {"first_name"}
    assert fields(read(police_ref="X" * 65)) == {"police_ref"}


def test_the_same_event_written_two_ways_has_one_fingerprint():
    one = read()
    other = read(last_seen_at="2026-03-14T21:30:00+00:00", date_of_birth="2011-05-02")
    a = fingerprint(force_name="Thames Valley Police", reading=one, raw=MISSING)
    b = fingerprint(force_name="thames valley police", reading=other, raw={})
    assert a == b
    regraded = fingerprint(force_name="Thames Valley Police", reading=read(risk="low"), raw={})
    assert regraded != a
