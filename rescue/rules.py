"""The rescue station's time rules as pure functions (docs/domain.md §15.2); a table test states them.

救助期限 (城市生活无着的流浪乞讨人员救助管理办法实施细则 第十五条): a stay lasts no longer than the county's
`rescue.stay_days` (10 by national default) in calendar days, the day of arrival counting as the first;
a longer stay needs an extension approved with its reason. The due date is the last day of the stay; a
person still in the station after it is overdue.
"""

from datetime import date, timedelta

from policy.parameters import Policy
from policy.programmes import ParameterKey as K


def stay_limit(policy: Policy) -> int:
    """救助期限 in days, from the policy in force on the day of arrival."""
    days = int(policy.raw(K.RESCUE_STAY_DAYS))
    if days < 1:
        raise ValueError("rescue.stay_days must be at least 1")
    return days


def stay_due(arrived_on: date, limit_days: int, extension_days: int = 0) -> date:
    """The last day of the stay: arrival is day 1, so 10 days from 1 March end on 10 March."""
    return arrived_on + timedelta(days=limit_days + extension_days - 1)


def is_overdue(due_on: date, today: date, in_station: bool) -> bool:
    """Overdue from the day after the due date, while the person is still in the station."""
    return in_station and today > due_on


def days_left(due_on: date, today: date) -> int:
    """Days left including today (0 on the day after the due date, negative when overdue longer)."""
    return (due_on - today).days + 1


def days_stayed(arrived_on: date, until: date) -> int:
    """Days in the station, both the arrival and the last day counted (a same-day exit is 1 day)."""
    return max((until - arrived_on).days + 1, 1)


def days_in_month(arrived_on: date, until: date, month_start: date, month_end: date) -> int:
    """The person-days of a stay that fall inside one month (month_end: its last day)."""
    first, last = max(arrived_on, month_start), min(until, month_end)
    return max((last - first).days + 1, 0)


def check_extension(days: int, reason: str) -> str:
    """Why an extension cannot be granted ("" when it can): days and a reason are required."""
    if days < 1:
        return "延长天数须至少1天"
    if not (reason or "").strip():
        return "延长救助期限须写明理由（如：患病治疗、等待家属接领、查找身份）"
    return ""
