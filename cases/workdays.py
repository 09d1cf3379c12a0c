"""The working-day calendar (工作日): deadlines of steps and cases count Chinese working days.

A day is a working day when an administrator's WorkdayOverride says so; otherwise when the
chinese-calendar package says so (statutory holidays off, adjusted weekends 调休 on); for years the
package does not know yet, Monday to Friday. Counting follows Civil Code art. 201: the day a
period starts is not counted. Calendar-day periods (公示 7 days, 离婚冷静期 30 days) are separate
and, where the rule says so, an end falling on a day off moves to the next working day.

A `WorkCalendar` loads the overrides of a year with one query the first time it needs that year;
make a new one per request or job (nothing is shared between requests).
"""

from datetime import date, timedelta

import chinese_calendar

from cases.models import WorkdayOverride

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
        rows = WorkdayOverride.objects.filter(date__year=year).values_list("date", "is_workday")
        self._overrides.update(dict(rows))
        self._loaded_years.add(year)

    def is_workday(self, day: date) -> bool:
        self._load(day.year)
        if day in self._overrides:
            return self._overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the library has no data for yet
            return day.weekday() < 5

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
