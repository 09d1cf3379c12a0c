"""Month arithmetic, in one place: Python for one date, SQL for a whole table, with the same answers.

A month is named by its first day (`month_start`), as the ledger and the payment rolls store it.
Adding months keeps the day of the month and clamps it to the target month's last day (31 Aug + 6
months → 28 Feb, 29 Feb + 12 months → 28 Feb), as PostgreSQL's `date + interval` does and as the
rules are read (a review due "within 6 months" of 31 August is due by the end of February).

`add_months_sql` writes the same arithmetic as a SQL expression for PostgreSQL, SQLite and DuckDB;
core/tests/test_months.py runs it on the test database (SQLite or PostgreSQL) and on DuckDB and
compares every answer with `add_months` for the 29th, 30th and 31st and leap years.
"""

import calendar
from datetime import date


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_start(day: date) -> date:
    """The first day of the day's month (how a month is stored)."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of the day's month."""
    return day.replace(day=days_in_month(day.year, day.month))


def parse_month(text: str | None) -> date | None:
    """A month as pages pass it ("2026-12", as an <input type=month> or a link writes it): its first
    day, or None when the text is not a month."""
    try:
        year, month = (text or "").strip().split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def add_months(day: date, months: int) -> date:
    """`day` plus (or minus) whole months, the day clamped to the target month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def next_month_start(day: date) -> date:
    """The first day of the month after the day's month ("from the month after the decision")."""
    return add_months(month_start(day), 1)


def months_between(first: date, last: date) -> int:
    """Whole calendar months from `first`'s month to `last`'s month (days are ignored)."""
    return (last.year - first.year) * 12 + last.month - first.month


def add_months_sql(expr: str, months: int | str, vendor: str) -> str:
    """A SQL expression: the date `expr` plus `months`, clamped like `add_months`.

    `months` is an int (written into the SQL) or a SQL expression of an integer, such as a bound
    parameter (`%(months)s`). `vendor` is Django's `connection.vendor`, "duckdb" or "spark". Only the
    fragments given are interpolated, so `expr` and `months` must never carry user text."""
    if isinstance(months, int):
        months = str(int(months))
    if vendor == "sqlite":
        # SQLite's '+N months' overflows into the next month (31 Jan + 1 month → 3 Mar) instead of
        # clamping; the target month's last day is always earlier than such an overflow and never
        # earlier than a day that fits, so the smaller of the two is the clamped answer. ISO date
        # text compares in date order.
        shifted = f"date({expr}, ({months}) || ' months')"
        last_day = f"date({expr}, 'start of month', (({months}) + 1) || ' months', '-1 day')"
        return f"min({shifted}, {last_day})"
    if vendor == "postgresql":
        return f"CAST(({expr}) + make_interval(months => {months}) AS DATE)"
    if vendor == "duckdb":
        return f"CAST(({expr}) + to_months(CAST({months} AS INTEGER)) AS DATE)"
    if vendor == "spark":  # Spark 3+: clamped to the month's last day, never moved to it (as above)
        return f"add_months(CAST(({expr}) AS DATE), CAST({months} AS INT))"
    raise ValueError(f"no month arithmetic for database {vendor!r}")
