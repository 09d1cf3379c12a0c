"""Deadlines across National Day and the Spring Festival 2025/2026, 调休 weekends and overrides."""

from datetime import date

import pytest

from cases.models import WorkdayOverride
from cases.workdays import WorkCalendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def cal():
    return WorkCalendar()


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Sunday 28 Sep 2025 is a 调休 working day
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # National Day + Mid-Autumn: 1–8 Oct off
        (date(2025, 9, 30), 3, date(2025, 10, 11)),  # Saturday 11 Oct 2025 is worked
        (date(2025, 1, 24), 1, date(2025, 1, 26)),  # Spring Festival 2025: Sunday 26 Jan worked
        (date(2025, 1, 24), 3, date(2025, 2, 5)),  # 28 Jan – 4 Feb off
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Spring Festival 2026: Saturday 14 Feb worked
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # 15–23 Feb off
        (date(2026, 2, 13), 6, date(2026, 2, 28)),  # Saturday 28 Feb 2026 worked
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # National Day 2026: 1–7 Oct off
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # Sunday 20 Sep 2026 worked
        (date(2026, 9, 24), 1, date(2026, 9, 28)),  # Mid-Autumn Friday 25 Sep 2026 off
    ],
)
def test_add_working_days_across_holidays(cal, start, days, expected):
    assert cal.add_working_days(start, days) == expected


def test_thirty_working_days_of_a_case_accepted_before_national_day(cal):
    # 低保 whole case: 30 WD from 2025-09-22: skips the eight days off, counts 28 Sep and 11 Oct.
    assert cal.add_working_days(date(2025, 9, 22), 30) == date(2025, 11, 7)


def test_working_days_between_counts_remaining_and_overdue(cal):
    assert cal.working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert cal.working_days_between(date(2026, 2, 24), date(2026, 2, 13)) == -2
    assert cal.working_days_between(date(2025, 5, 5), date(2025, 5, 5)) == 0


def test_calendar_day_period_ending_on_a_holiday_moves_to_next_working_day(cal):
    # 7-day public notice from 24 Sep 2025 would end on 1 Oct (National Day).
    assert cal.add_calendar_days(date(2025, 9, 24), 7, roll_to_workday=True) == date(2025, 10, 9)
    assert cal.add_calendar_days(date(2025, 9, 24), 7, roll_to_workday=False) == date(2025, 10, 1)
    # 30-day divorce cooling-off from 16 Jan 2026 ends on 15 Feb, in the Spring Festival.
    assert cal.add_calendar_days(date(2026, 1, 16), 30, roll_to_workday=True) == date(2026, 2, 24)
    # An end on a 调休 working Saturday stays there.
    assert cal.add_calendar_days(date(2026, 2, 21), 7, roll_to_workday=True) == date(2026, 2, 28)


def test_override_table_for_a_year_the_library_does_not_know():
    # chinese-calendar 1.11 has no 2027: Mon–Fri until the administrator enters the holidays.
    assert WorkCalendar().add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    WorkdayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, note="2027年元旦")
    WorkdayOverride.objects.create(date=date(2027, 1, 2), is_workday=True, note="2027年元旦调休")
    cal = WorkCalendar()
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 2)
    assert cal.add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 4)


def test_override_beats_the_library(cal):
    WorkdayOverride.objects.create(date=date(2025, 10, 9), is_workday=False, note="地方临时放假")
    assert WorkCalendar().add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 10)
