"""Rule table of children's welfare (docs/domain.md §4.8): one row per case, dated policy data in."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from children import rules
from children.rules import Category as C
from children.rules import Risk as R
from children.rules import Situation as S
from policy.parameters import Policy
from policy.programmes import ParameterKey as K

POLICY = Policy(
    "430522000000",
    date(2026, 1, 1),
    {
        K.CHILD_VISIT_DAYS: {"high": 7, "medium": 15, "low": 30},
        K.CHILD_REPORT_HOURS: 24,
        K.CHILD_DIFFICULTY_AMOUNT: "600",
    },
)
NO_ALLOWANCE = Policy("430522000000", date(2026, 1, 1), {K.CHILD_VISIT_DAYS: {"high": 7}})
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

LEFT_BEHIND = [
    ("§4.8 both parents away working, 10", 10, [S.MIGRANT, S.MIGRANT], True),
    ("§4.8 one away, the other seriously ill", 10, [S.MIGRANT, S.SERIOUS_ILLNESS], True),
    ("§4.8 one away, the other at home", 10, [S.MIGRANT, S.NORMAL], False),
    ("§4.8 both away but already 16", 16, [S.MIGRANT, S.MIGRANT], False),
    ("§4.8 nobody away", 8, [S.NORMAL, S.NORMAL], False),
]


@pytest.mark.parametrize(("name", "age", "parents", "expected"), LEFT_BEHIND, ids=[r[0] for r in LEFT_BEHIND])
def test_left_behind(name, age, parents, expected):
    assert rules.is_left_behind(age, parents) is expected


RISK = [
    ("§4.8 guardianship case is high", C.GUARDIANSHIP, [S.NORMAL], R.HIGH),
    ("§4.8 both parents in prison or dead is high", C.UNSUPPORTED, [S.PRISON, S.DEAD], R.HIGH),
    ("§4.8 a severely disabled parent is medium", C.LEFT_BEHIND, [S.MIGRANT, S.SEVERE_DISABILITY], R.MEDIUM),
    ("§4.8 poverty is medium", C.POVERTY, [S.NORMAL, S.NORMAL], R.MEDIUM),
    ("§4.8 left behind with a carer is low", C.LEFT_BEHIND, [S.MIGRANT, S.MIGRANT], R.LOW),
]


@pytest.mark.parametrize(("name", "category", "situations", "expected"), RISK, ids=[r[0] for r in RISK])
def test_suggested_risk(name, category, situations, expected):
    assert rules.suggested_risk(category, situations) == expected


VISITS = [
    ("§4.8 high risk: weekly from the last visit", R.HIGH, date(2026, 3, 1), date(2026, 3, 8)),
    ("§4.8 medium risk: 15 days", R.MEDIUM, date(2026, 3, 1), date(2026, 3, 16)),
    ("§4.8 low risk: 30 days", R.LOW, date(2026, 3, 1), date(2026, 3, 31)),
    ("§4.8 never visited: from the record", R.LOW, None, date(2026, 1, 31)),
]


@pytest.mark.parametrize(("name", "risk", "last", "due"), VISITS, ids=[r[0] for r in VISITS])
def test_next_visit_due(name, risk, last, due):
    assert rules.next_visit_due(POLICY, risk, last, date(2026, 1, 1)) == due


def test_visit_overdue_only_after_the_due_day():
    assert not rules.visit_overdue(date(2026, 3, 8), date(2026, 3, 8))
    assert rules.visit_overdue(date(2026, 3, 8), date(2026, 3, 9))
    assert not rules.visit_overdue(None, date(2026, 3, 9))


def test_a_risk_level_the_policy_does_not_set_is_a_missing_parameter():
    from policy.parameters import MissingParameter

    with pytest.raises(MissingParameter):
        rules.visit_every_days(NO_ALLOWANCE, R.LOW)


ALLOWANCE = [
    ("§4.8 poverty paid where policy sets it", POLICY, C.POVERTY, Decimal("600")),
    ("§4.8 disability paid", POLICY, C.DISABILITY, Decimal("600")),
    ("§4.8 left behind not paid", POLICY, C.LEFT_BEHIND, None),
    ("§4.8 orphan has its own programme", POLICY, C.ORPHAN, None),
    ("§4.8 county without the allowance", NO_ALLOWANCE, C.POVERTY, None),
]


@pytest.mark.parametrize(("name", "policy", "category", "amount"), ALLOWANCE, ids=[r[0] for r in ALLOWANCE])
def test_difficulty_allowance(name, policy, category, amount):
    assert rules.difficulty_allowance(policy, category).amount == amount


REPORTS = [
    ("§4.8 nothing done, in time", None, None, T0 + timedelta(hours=3), "open"),
    ("§4.8 nothing done, deadline passed", None, None, T0 + timedelta(hours=25), "overdue"),
    ("§4.8 police only, deadline passed", T0 + timedelta(hours=1), None, T0 + timedelta(hours=25), "overdue"),
    ("§4.8 both in time", T0 + timedelta(hours=1), T0 + timedelta(hours=2), T0 + timedelta(hours=30), "done"),
    (
        "§4.8 both, the township late",
        T0 + timedelta(hours=1),
        T0 + timedelta(hours=26),
        T0 + timedelta(hours=30),
        "late",
    ),
]


@pytest.mark.parametrize(("name", "police", "township", "now", "state"), REPORTS, ids=[r[0] for r in REPORTS])
def test_report_state(name, police, township, now, state):
    due = rules.report_deadline(POLICY, T0)
    assert due == T0 + timedelta(hours=24)
    assert rules.report_state(due, police, township, now) == state


def test_the_policy_page_reads_the_childrens_parameters_in_words():
    from policy.display import describe_value

    assert describe_value(K.CHILD_VISIT_DAYS, {"high": 7, "low": 30}) == "高风险每7天；低风险每30天"
    assert describe_value(K.CHILD_REPORT_HOURS, 24) == "24小时"
    assert describe_value(K.CHILD_DIFFICULTY_AMOUNT, "600") == "600元"
