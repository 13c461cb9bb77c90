"""The notification profile's grouping of queries and of notifications (its figures are for
docs/performance.md; here only that what it groups together belongs together)."""

from bench.notification_api import payloads
from bench.notification_profile import kind, shape
from bench.tests.test_notification_api import NOW, children


def test_queries_that_differ_only_in_numbers_savepoints_or_columns_are_one_shape():
    many = 'SELECT "x"."id", "x"."name" FROM "x" WHERE "x"."id" IN (%s, %s, %s) LIMIT 21'
    two = 'SELECT "x"."id" FROM "x" WHERE "x"."id" IN (%s, %s) LIMIT 1'
    assert shape(many) == shape(two) == 'SELECT … FROM "x" WHERE "x"."id" IN (%s…) LIMIT N'
    assert shape('SAVEPOINT "s1400_x12"') == shape('SAVEPOINT "s99_x3"') == "SAVEPOINT N"
    assert shape('SELECT %s AS "a" FROM "x" LIMIT 1') == 'SELECT %s AS "a" FROM "x" LIMIT N'


def test_every_kind_of_notification_sent_is_told_apart():
    known = [
        child | {"police_id": f"PF{number:09d}" if number % 3 == 0 else ""}
        for number, child in enumerate(children(100))
    ]
    kinds = {kind(payload) for payload in payloads(known, 200, NOW)}
    assert kinds == {
        "report by police id",
        "report by details",
        "report of a child nobody knows",
        "found",
        "regrading",
        "unreadable",
    }
