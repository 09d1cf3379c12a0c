"""The stay limit (救助期限), one row per case (rescue.rules)."""

from datetime import date

import pytest

from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from rescue import rules


@pytest.mark.parametrize(
    ("case", "arrived", "limit", "extension", "due"),
    [
        ("10 days, the arrival counting as the first", date(2026, 3, 1), 10, 0, date(2026, 3, 10)),
        ("across a month's end", date(2026, 2, 25), 10, 0, date(2026, 3, 6)),
        ("calendar days: a holiday counts", date(2026, 9, 28), 10, 0, date(2026, 10, 7)),
        ("an approved extension of 5 days", date(2026, 3, 1), 10, 5, date(2026, 3, 15)),
        ("a county that sets 7 days", date(2026, 3, 1), 7, 0, date(2026, 3, 7)),
        ("a leap day", date(2028, 2, 25), 10, 0, date(2028, 3, 5)),
    ],
)
def test_stay_due(case, arrived, limit, extension, due):
    assert rules.stay_due(arrived, limit, extension) == due, case


@pytest.mark.parametrize(
    ("case", "today", "in_station", "overdue", "left"),
    [
        ("before the due date", date(2026, 3, 9), True, False, 2),
        ("on the due date: not yet overdue, its last day", date(2026, 3, 10), True, False, 1),
        ("the day after: overdue", date(2026, 3, 11), True, True, 0),
        ("gone home: never overdue", date(2026, 3, 20), False, False, -9),
    ],
)
def test_overdue(case, today, in_station, overdue, left):
    due = date(2026, 3, 10)
    assert (rules.is_overdue(due, today, in_station), rules.days_left(due, today)) == (overdue, left), case


@pytest.mark.parametrize(
    ("value", "days"),
    [(10, 10), ("7", 7)],
)
def test_the_limit_is_policy_data(value, days):
    assert rules.stay_limit(Policy("430522000000", date(2026, 1, 1), {K.RESCUE_STAY_DAYS: value})) == days


def test_a_missing_limit_is_an_error_naming_it():
    from policy.parameters import MissingParameter

    with pytest.raises(MissingParameter):
        rules.stay_limit(Policy("430522000000", date(2026, 1, 1), {}))


@pytest.mark.parametrize(
    ("days", "reason", "ok"),
    [(5, "患病住院治疗", True), (0, "患病", False), (3, "  ", False)],
)
def test_extension_needs_days_and_a_reason(days, reason, ok):
    assert (rules.check_extension(days, reason) == "") is ok


@pytest.mark.parametrize(
    ("arrived", "until", "stayed", "in_march"),
    [
        (date(2026, 3, 5), date(2026, 3, 5), 1, 1),
        (date(2026, 2, 27), date(2026, 3, 3), 5, 3),
        (date(2026, 3, 30), date(2026, 4, 2), 4, 2),
    ],
)
def test_days_stayed_and_by_month(arrived, until, stayed, in_march):
    assert rules.days_stayed(arrived, until) == stayed
    assert rules.days_in_month(arrived, until, date(2026, 3, 1), date(2026, 3, 31)) == in_march
