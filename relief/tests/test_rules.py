"""Relief amounts and reporting deadlines from dated data: rule tables."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.errors import DomainError
from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from relief.rules import due_at, relief_amount

TABLE = {
    "rebuild_per_household": "20000",
    "transitional_per_person_day": "20",
    "transitional_max_days": 90,
    "winter_spring_per_person": "300",
}


def policy(table=TABLE):
    return Policy(area_code="430522100201", on=date(2026, 7, 1), values={K.DISASTER_RELIEF_AMOUNTS: table})


@pytest.mark.parametrize(
    ("category", "persons", "days", "amount"),
    [
        ("rebuild", 4, 0, "20000.00"),  # per household, whatever its size
        ("transitional", 3, 30, "1800.00"),  # 20 × 3 × 30
        ("transitional", 1, 90, "1800.00"),  # the longest period
        ("winter_spring", 5, 0, "1500.00"),  # 300 × 5
    ],
)
def test_relief_amounts_follow_the_local_standard(category, persons, days, amount):
    assert relief_amount(policy(), category, persons=persons, days=days).amount == Decimal(amount)


@pytest.mark.parametrize(
    ("category", "persons", "days", "says"),
    [
        ("transitional", 2, 91, "最长90天"),
        ("transitional", 2, 0, "天数"),
        ("winter_spring", 0, 0, "至少为1人"),
        ("nonsense", 1, 0, "未知"),
    ],
)
def test_impossible_assessments_are_refused(category, persons, days, says):
    with pytest.raises(DomainError) as error:
        relief_amount(policy(), category, persons=persons, days=days)
    assert says in error.value.message


def test_a_newer_local_standard_changes_the_amount(db):
    """The amount is policy data in force on the day of the assessment."""
    from policy.models import PolicyParameter

    # the demo county's row of 2025-01-01 is in force (conftest); a new standard from 2026-07-01:
    PolicyParameter.objects.create(
        area_code="430522000000", key=K.DISASTER_RELIEF_AMOUNTS, effective_from=date(2026, 7, 1),
        value={**TABLE, "winter_spring_per_person": "400"},
    )  # fmt: skip
    before = Policy.for_area("430522100201", date(2026, 6, 30))
    after = Policy.for_area("430522100201", date(2026, 7, 1))
    assert relief_amount(before, "winter_spring", persons=2).amount == Decimal("600.00")
    assert relief_amount(after, "winter_spring", persons=2).amount == Decimal("800.00")


TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 6, 12, 14, 30, tzinfo=TZ)  # a Friday


def add_working_days(day, n):
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


@pytest.mark.parametrize(
    ("anchor", "minutes", "working_days", "report_date", "stable_on", "expected"),
    [
        ("event_start", 60, None, date(2026, 6, 12), None, datetime(2026, 6, 12, 15, 30, tzinfo=TZ)),
        ("next_day", 420, None, date(2026, 6, 13), None, datetime(2026, 6, 14, 7, 0, tzinfo=TZ)),
        ("stable", None, 1, date(2026, 6, 19), date(2026, 6, 19), datetime(2026, 6, 22, 23, 59, 59, tzinfo=TZ)),
    ],
)
def test_deadlines(anchor, minutes, working_days, report_date, stable_on, expected):
    got = due_at(
        anchor=anchor, minutes=minutes, working_days=working_days, started_at=START, report_date=report_date,
        stable_on=stable_on, add_working_days=add_working_days, tz=TZ,
    )  # fmt: skip
    assert got == expected


def test_no_final_report_before_the_disaster_is_stable():
    with pytest.raises(DomainError):
        due_at(anchor="stable", minutes=None, working_days=1, started_at=START, report_date=START.date(),
               stable_on=None, add_working_days=add_working_days, tz=TZ)  # fmt: skip
