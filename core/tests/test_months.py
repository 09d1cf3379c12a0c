"""core.months: one month arithmetic, the same in Python and in the SQL of every database we run on
(this file runs on SQLite and on PostgreSQL with the rest of the suite, and on DuckDB in memory)."""

from datetime import date

import pytest
from django.db import connection

from core.months import add_months, add_months_sql, days_in_month, month_end, month_start, months_between

# The days where month arithmetic goes wrong: the 29th, 30th and 31st, 29 February, leap and
# common years, the turn of a year, forwards and backwards.
DAYS = [
    date(2023, 1, 29),
    date(2023, 1, 30),
    date(2023, 1, 31),
    date(2024, 1, 29),
    date(2024, 1, 30),
    date(2024, 1, 31),
    date(2024, 2, 29),
    date(2023, 8, 31),
    date(2024, 3, 31),
    date(2023, 10, 30),
    date(2023, 12, 31),
    date(2024, 5, 31),
    date(2025, 6, 15),
]
MONTHS = [-25, -13, -12, -1, 0, 1, 2, 3, 6, 11, 12, 13, 48]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap February
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 1, 30), 1, date(2024, 2, 29)),
        (date(2023, 1, 29), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2023, 12, 31), 2, date(2024, 2, 29)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 6, 15), -18, date(2023, 12, 15)),
    ],
)
def test_adding_months_keeps_the_day_or_clamps_it_to_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_month_start_end_and_length():
    assert month_start(date(2024, 2, 17)) == date(2024, 2, 1)
    assert month_end(date(2024, 2, 17)) == date(2024, 2, 29)
    assert month_end(date(2023, 2, 1)) == date(2023, 2, 28)
    assert month_end(date(2100, 2, 1)) == date(2100, 2, 28)  # not a leap year
    assert month_end(date(2000, 2, 1)) == date(2000, 2, 29)
    assert [days_in_month(2025, m) for m in range(1, 13)] == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert months_between(date(2024, 11, 30), date(2025, 2, 1)) == 3


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@pytest.mark.django_db
def test_the_sql_of_the_test_database_agrees_with_python_months_written_in_or_bound():
    cases = [(day, months) for day in DAYS for months in MONTHS]
    vendor = connection.vendor
    written = " UNION ALL ".join(
        f"SELECT {i}, {add_months_sql(f'%(d{i})s', months, vendor)}" for i, (_, months) in enumerate(cases)
    )
    bound = " UNION ALL ".join(
        f"SELECT {i}, {add_months_sql(f'%(d{i})s', f'%(m{i})s', vendor)}" for i in range(len(cases))
    )
    params = {f"d{i}": day for i, (day, _) in enumerate(cases)}
    with connection.cursor() as cursor:
        cursor.execute(written, params)
        from_written = {i: _as_date(value) for i, value in cursor.fetchall()}
        cursor.execute(bound, params | {f"m{i}": months for i, (_, months) in enumerate(cases)})
        from_bound = {i: _as_date(value) for i, value in cursor.fetchall()}
    expected = {i: add_months(day, months) for i, (day, months) in enumerate(cases)}
    assert from_written == expected, vendor
    assert from_bound == expected, vendor


def test_duckdb_agrees_with_python():
    duckdb = pytest.importorskip("duckdb")
    cases = [(day, months) for day in DAYS for months in MONTHS]
    literal = "DATE '{}'".format
    sql = " UNION ALL ".join(
        f"SELECT {i}, {add_months_sql(literal(day.isoformat()), months, 'duckdb')}"
        for i, (day, months) in enumerate(cases)
    )
    with duckdb.connect() as db:
        answers = dict(db.execute(sql).fetchall())
    assert answers == {i: add_months(day, months) for i, (day, months) in enumerate(cases)}


def test_a_month_as_pages_pass_it_is_read_and_anything_else_is_none():
    from core.months import parse_month

    assert parse_month("2026-12") == date(2026, 12, 1)
    assert parse_month(" 2025-03-15 ") == date(2025, 3, 1)
    assert [parse_month(t) for t in ("", None, "2026-13", "十二月", "2026")] == [None] * 5
