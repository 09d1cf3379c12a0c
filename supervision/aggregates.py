# ruff: noqa: S608 - SQL assembled from constants and table names only; values are bound parameters
"""环节日汇总: the step figures of the monthly evaluation, pre-aggregated per day, unit and handler.

The month's four step indicators (a unit's and a person's on-time rate, a person's late steps, a
unit's overdue steps) would each scan the month's steps of the whole county (5 M steps over five
years). Instead `refresh_step_days` rebuilds `StepDay` set-based — one DELETE and two INSERT … SELECT
… GROUP BY — and `step_figures` answers the indicators from it with a GROUP BY over a few thousand
rows. The result equals the direct computation (`supervision.indicators.computed_figures`; tested
as its twin) as of the last refresh.

Freshness: the scheduler rebuilds the last WINDOW_DAYS days every night (a step is finished, re-dated
or goes overdue within days of its deadline) and everything on the 1st of each month (older
corrections); computing a month from its page first rebuilds that month's days, so an evaluator's
figures are current. The raw SQL (no ORM INSERT … SELECT) is portable: SQLite and PostgreSQL.
"""

import time
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from areas.jurisdiction import system_scope
from cases.models import CaseStep
from core.months import month_end, month_start
from supervision.models import AggregateRefresh, StepDay

WINDOW_DAYS = 62  # the nightly refresh rebuilds this many days back (and every later day)

# computation code → (kind of StepDay row, subject column, what it counts)
AGGREGATED = {
    "step_on_time_rate": (StepDay.Kind.FINISHED, "unit", "rate"),
    "person_step_on_time_rate": (StepDay.Kind.FINISHED, "person", "rate"),
    "person_late_steps": (StepDay.Kind.FINISHED, "person", "late"),
    "overdue_steps": (StepDay.Kind.MISSED, "unit", "count"),
}


def _sql(since: date | None, until: date | None) -> list[tuple[str, list]]:
    steps, days = CaseStep._meta.db_table, StepDay._meta.db_table
    township = "substr(s.area_code, 1, 9) || '000'"
    finished_from, missed_from, params_from = "", "", []
    if since is not None:
        finished_from = " AND s.finished_on >= %s"
        params_from = [since]
    until_finished = " AND s.finished_on <= %s" if until else ""
    until_due = " AND s.due_on <= %s" if until else ""
    done, open_ = CaseStep.State.DONE, [CaseStep.State.ACTIVE, CaseStep.State.CORRECTION]
    columns = "(area_code, kind, day, unit_id, person_id, total, on_time)"
    finished = (
        f"INSERT INTO {days} {columns} "
        f"SELECT {township}, %s, s.finished_on, s.responsible_unit_id, s.acted_by_id, COUNT(*), "
        "SUM(CASE WHEN s.due_on IS NULL OR s.finished_on <= s.due_on THEN 1 ELSE 0 END) "
        f"FROM {steps} s WHERE s.state = %s AND s.finished_on IS NOT NULL{finished_from}{until_finished} "
        "GROUP BY 1, 3, 4, 5"
    )
    # due that day and not done by it: finished after it (then finished on or after `since` too,
    # which lets PostgreSQL use the finished_on index) or still open
    if since is not None:
        missed_from = " AND s.due_on >= %s"
    missed = (
        f"INSERT INTO {days} {columns} "
        f"SELECT {township}, %s, s.due_on, s.responsible_unit_id, NULL, COUNT(*), 0 "
        f"FROM {steps} s WHERE s.due_on IS NOT NULL{missed_from}{until_due} AND ("
        f"(s.finished_on > s.due_on{finished_from}) OR (s.finished_on IS NULL AND s.state IN (%s, %s){missed_from})"
        ") GROUP BY 1, 3, 4"
    )
    until_params = [until] if until else []
    return [
        (finished, [StepDay.Kind.FINISHED, done, *params_from, *until_params]),
        (
            missed,
            [StepDay.Kind.MISSED, *params_from, *until_params, *params_from, *open_, *params_from],
        ),
    ]


def refresh_step_days(since: date | None = None, until: date | None = None) -> AggregateRefresh:
    """Rebuild the rows of the days from `since` to `until` (None: from the first / to the last) in
    one transaction: a month's computation never sees half a refresh."""
    started = time.monotonic()
    table = StepDay._meta.db_table
    with system_scope(), transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # two refreshes at once would both insert; readers still read
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        where, params = [], []
        if since is not None:
            where.append("day >= %s")
            params.append(since)
        if until is not None:
            where.append("day <= %s")
            params.append(until)
        cursor.execute(f"DELETE FROM {table}" + (f" WHERE {' AND '.join(where)}" if where else ""), params)
        rows = 0
        for sql, values in _sql(since, until):
            cursor.execute(sql, values)
            rows += max(cursor.rowcount, 0)
        return AggregateRefresh.objects.create(
            finished_at=timezone.now(),
            since=since,
            rows=rows,
            seconds=time.monotonic() - started,
        )


def refresh_month(month: date) -> AggregateRefresh:
    """The days of one month (before an evaluator computes it)."""
    return refresh_step_days(month_start(month), month_end(month))


def refresh_nightly(on_date: date) -> dict:
    """The scheduler's nightly run: the last WINDOW_DAYS days and every later day (steps due ahead)."""
    done = refresh_step_days(on_date - timedelta(days=WINDOW_DAYS))
    return {"汇总行数": done.rows, "用时（秒）": round(done.seconds, 1)}


def rebuild_monthly(on_date: date) -> dict:
    """The 1st of each month: every day again (a correction older than the nightly window)."""
    done = refresh_step_days(None)
    return {"汇总行数": done.rows, "用时（秒）": round(done.seconds, 1)}


def last_refresh() -> AggregateRefresh | None:
    return AggregateRefresh.objects.first()


def step_figures(code: str, month: date) -> dict[int, tuple[int, int | None]]:
    """{subject id: (numerator, denominator)} of one step indicator for the current scope, from the
    day figures: the same answer as `computed_figures(code, month)` as of the last refresh."""
    kind, subject, what = AGGREGATED[code]
    rows = (
        StepDay.objects.filter(kind=kind, day__gte=month_start(month), day__lte=month_end(month))
        .exclude(**{f"{subject}__isnull": True})
        .values(subject)
        .annotate(n=Sum("total"), good=Sum("on_time"), late=Sum(F("total") - F("on_time")))
        .order_by()
    )
    if what == "rate":
        return {row[subject]: (row["good"], row["n"]) for row in rows}
    if what == "late":
        return {row[subject]: (row["late"], None) for row in rows if row["late"]}
    return {row[subject]: (row["n"], None) for row in rows}
