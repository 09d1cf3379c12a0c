"""民政统计: the county change report counts a month's new, stopped, raised and lowered enrolments."""

from datetime import date
from decimal import Decimal

import pytest

from ledger import services
from ledger.statistics import change_report
from payments.tests.factories import household
from policy.programmes import Programme

pytestmark = pytest.mark.django_db
DECEMBER = date(2026, 12, 1)


def _dibao(amount, members=3, decided_on=date(2026, 11, 20)):
    return services.enrol(
        programme=Programme.DIBAO,
        household=household(),
        monthly_amount=Decimal(amount),
        decided_on=decided_on,
        covered_members=members,
    )


def test_a_months_changes_by_programme_households_persons_and_amount():
    _dibao("600.00", members=3)  # new from December
    _dibao("400.00", members=2)  # new from December
    raised = _dibao("300.00", members=1, decided_on=date(2026, 9, 1))
    services.adjust_amount(raised, new_amount=Decimal("350.00"), decided_on=date(2026, 11, 25), reason="收入减少")
    lowered = _dibao("500.00", members=2, decided_on=date(2026, 9, 1))
    services.adjust_amount(lowered, new_amount=Decimal("420.00"), decided_on=date(2026, 11, 25), reason="收入增加")
    gone = _dibao("800.00", members=4, decided_on=date(2026, 9, 1))
    services.stop(gone, decided_on=date(2026, 11, 26), reason="收入超标")

    (row,) = change_report(DECEMBER)
    assert row.label == "最低生活保障（低保）"
    assert row.figures["新增"] == (2, 5, Decimal("1000.00"))
    assert row.figures["停保"] == (1, 4, Decimal("800.00"))
    assert row.figures["增发"] == (1, 1, Decimal("50.00"))
    assert row.figures["减发"] == (1, 2, Decimal("80.00"))
    assert change_report(date(2026, 11, 1)) == []  # nothing took effect in November
