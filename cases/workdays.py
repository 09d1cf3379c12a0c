"""The working-day calendar (工作日): deadlines of steps and cases count Chinese working days.

A day is a working day when an administrator's WorkdayOverride says so; otherwise when the
chinese-calendar package says so (statutory holidays off, adjusted weekends 调休 on); for years the
package does not know yet, Monday to Friday. Counting follows Civil Code art. 201: the day a
period starts is not counted. Calendar-day periods (公示 7 days, 离婚冷静期 30 days) are separate
and, where the rule says so, an end falling on a day off moves to the next working day.

A `WorkCalendar` takes the overrides of a year from a per-process table, read with one query the
first time a process needs that year and again once it is `OVERRIDES_TTL` seconds old: the table
changes a few times a year, while every accepted case and every approval needs it. An edit clears
this process's copy at once (signals below); other workers see it within `OVERRIDES_TTL` seconds.
"""

import functools
import time
from datetime import date, timedelta

import chinese_calendar
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cases.models import WorkdayOverride

OVERRIDES_TTL = 60
_overrides_by_year: dict[int, tuple[float, dict[date, bool]]] = {}


def overrides_of_year(year: int) -> dict[date, bool]:
    cached = _overrides_by_year.get(year)
    if cached is not None and time.monotonic() - cached[0] < OVERRIDES_TTL:
        return cached[1]
    rows = dict(WorkdayOverride.objects.filter(date__year=year).values_list("date", "is_workday"))
    _overrides_by_year[year] = (time.monotonic(), rows)
    return rows


@receiver(post_save, sender=WorkdayOverride)
@receiver(post_delete, sender=WorkdayOverride)
def forget_overrides(**kwargs) -> None:
    """Now (this transaction's own deadlines) and after the commit (another request may have read
    the old rows meanwhile)."""
    _overrides_by_year.clear()
    transaction.on_commit(_overrides_by_year.clear)


@functools.lru_cache(maxsize=4096)
def _statutory_workday(day: date) -> bool:
    """The package's answer, which never changes for a day: a deadline walks a month of days one by
    one, for every acceptance and approval."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library has no data for yet
        return day.weekday() < 5


# Guards against loops on a misconfigured calendar (a year of overrides all marked as days off).
_MAX_SCAN_DAYS = 3 * 366


class WorkCalendar:
    def __init__(self, overrides: dict[date, bool] | None = None):
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._loaded_years: set[int] = set() if overrides is None else {-1}
        self._static = overrides is not None  # tests may pass a fixed table and skip the database

    def _load(self, year: int) -> None:
        if self._static or year in self._loaded_years:
            return
        self._overrides.update(overrides_of_year(year))
        self._loaded_years.add(year)

    def is_workday(self, day: date) -> bool:
        self._load(day.year)
        if day in self._overrides:
            return self._overrides[day]
        return _statutory_workday(day)

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (start itself not counted); 0 → the next working day
        on or after start."""
        if days <= 0:
            return self.next_workday(start)
        day, counted = start, 0
        for _ in range(_MAX_SCAN_DAYS):
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
                if counted == days:
                    return day
        raise ValueError("工作日历配置异常：连续三年以上没有工作日")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start (days overdue)."""
        if end == start:
            return 0
        sign, low, high = (1, start, end) if end > start else (-1, end, start)
        count, day = 0, low
        while day < high:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return sign * count

    def next_workday(self, day: date) -> date:
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_workday(day):
                return day
            day += timedelta(days=1)
        raise ValueError("工作日历配置异常：连续三年以上没有工作日")

    def add_calendar_days(self, start: date, days: int, *, roll_to_workday: bool) -> date:
        """End of a calendar-day period of `days` days starting after `start`; moved to the next working
        day when it falls on a day off and the rule says so."""
        end = start + timedelta(days=days)
        return self.next_workday(end) if roll_to_workday else end


def calendar() -> WorkCalendar:
    return WorkCalendar()
