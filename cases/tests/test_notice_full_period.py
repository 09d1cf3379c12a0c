"""A public notice (公示) runs its full period: its last day is a day of the notice (民法典第二百零一条:
the period counts from the day after posting; 第二百零三条: it ends at 24:00 of its last day), so the
step is passed from the next day on. The period itself is the catalogue's (ItemVersion.notice_days)."""

from datetime import date

import pytest

from cases.actions import check_notice_has_run
from core.errors import DomainError

# posted, 7-day period → last day (rolled past the National Day holiday), the day asked, allowed?
TABLE = [
    ("posted 2 Mar, 7 days: 9 Mar is its last day", date(2026, 3, 9), date(2026, 3, 8), False),
    ("on its last day", date(2026, 3, 9), date(2026, 3, 9), False),
    ("the day after its last day", date(2026, 3, 9), date(2026, 3, 10), True),
    ("weeks later", date(2026, 3, 9), date(2026, 4, 1), True),
    ("rolled past the holiday to 9 Oct: still running on 9 Oct", date(2025, 10, 9), date(2025, 10, 9), False),
    ("rolled past the holiday: passed on 10 Oct", date(2025, 10, 9), date(2025, 10, 10), True),
    ("year end", date(2025, 12, 31), date(2026, 1, 1), True),
]


@pytest.mark.parametrize(("why", "last_day", "on_date", "allowed"), TABLE, ids=[row[0] for row in TABLE])
def test_a_notice_is_passed_only_after_its_last_day(why, last_day, on_date, allowed):
    if allowed:
        check_notice_has_run(last_day, on_date)
        return
    with pytest.raises(DomainError) as error:
        check_notice_has_run(last_day, on_date)
    assert error.value.code == "notice_running"
    assert f"公示期至{last_day:%Y年%m月%d日}（含当日）届满" in error.value.message
