"""Rules of the elderly programmes, one row per rule case (policy.rules, read with the demo
county's dated amounts: 80–89 50元, 90–99 100元, 100+ 500元; service 60+ 50元; care 100/200元)."""

from datetime import date
from decimal import Decimal as D

import pytest

from policy import rules
from policy.defaults import DEMO_AMOUNTS, NATIONAL_DEFAULTS
from policy.parameters import Policy
from policy.programmes import ParameterKey as K


def policy(**overrides) -> Policy:
    values = {str(k): v for k, v in {**NATIONAL_DEFAULTS, **DEMO_AMOUNTS}.items()}
    values.update({str(k): v for k, v in overrides.items()})
    return Policy(area_code="430522000000", on=date(2026, 6, 1), values=values)


P = policy()
TWO_TIERS = policy(
    **{
        K.ELDERLY_ALLOWANCE_TIERS: [
            {"from_age": 70, "to_age": 79, "amount": "30"},
            {"from_age": 80, "to_age": None, "amount": "80"},
        ]
    }
)

ALLOWANCE = [
    ("高龄津贴: 79 is below the first band", P, date(1946, 12, 15), date(2026, 12, 1), None),
    ("高龄津贴: not in the month of the 80th birthday", P, date(1946, 12, 1), date(2026, 12, 1), None),
    ("高龄津贴: from the month after the 80th birthday", P, date(1946, 12, 15), date(2027, 1, 1), D("50")),
    (
        "高龄津贴: birthday on the last day of the month, paid from the next",
        P,
        date(1946, 11, 30),
        date(2026, 12, 1),
        D("50"),
    ),
    ("高龄津贴: 89 stays in the first band", P, date(1937, 1, 10), date(2026, 12, 1), D("50")),
    ("高龄津贴: 90 the month after the birthday", P, date(1936, 10, 3), date(2026, 11, 1), D("100")),
    ("高龄津贴: 100 and above", P, date(1920, 2, 1), date(2026, 12, 1), D("500")),
    ("高龄津贴: 29 Feb birthday reaches 80 on 28 Feb", P, date(1944, 2, 29), date(2024, 3, 1), D("50")),
    ("高龄津贴: a county's own bands (70–79)", TWO_TIERS, date(1955, 5, 5), date(2026, 6, 1), D("30")),
    ("高龄津贴: a county's open top band", TWO_TIERS, date(1920, 5, 5), date(2026, 6, 1), D("80")),
]


@pytest.mark.parametrize(("rule", "pol", "born", "month", "expected"), ALLOWANCE, ids=[r[0] for r in ALLOWANCE])
def test_elderly_allowance_for_month(rule, pol, born, month, expected):
    assert rules.elderly_allowance_for_month(pol, born, month) == expected


START = [
    (
        "start: decided before the birthday → month after the birthday",
        date(1946, 12, 15),
        date(2026, 11, 20),
        date(2027, 1, 1),
    ),
    (
        "start: decided after the birthday → month after the decision",
        date(1946, 3, 10),
        date(2026, 11, 20),
        date(2026, 12, 1),
    ),
    ("start: decided on the birthday → next month", date(1946, 11, 20), date(2026, 11, 20), date(2026, 12, 1)),
]


@pytest.mark.parametrize(("rule", "born", "decided", "expected"), START, ids=[r[0] for r in START])
def test_elderly_allowance_start(rule, born, decided, expected):
    assert rules.elderly_allowance_start(P, born, decided) == expected


def test_tier_labels():
    assert [t.label for t in rules.elderly_allowance_tiers(P)] == ["80—89周岁", "90—99周岁", "100周岁以上"]


SERVICE = [
    ("服务补贴: 低保 elderly of 60", 60, True, False, D("50")),
    ("服务补贴: 特困 elderly of 75", 75, False, True, D("50")),
    ("服务补贴: 59 is too young", 59, True, False, None),
    ("服务补贴: neither 低保 nor 特困", 85, False, False, None),
]


@pytest.mark.parametrize(("rule", "age", "dibao", "tekun", "expected"), SERVICE, ids=[r[0] for r in SERVICE])
def test_elderly_service_subsidy(rule, age, dibao, tekun, expected):
    assert rules.elderly_service_subsidy(P, age=age, in_dibao=dibao, in_tekun=tekun) == expected


CARE = [
    ("护理补贴: 完全失能 低保 elderly", "fully_disabled", True, False, D("200")),
    ("护理补贴: 部分失能 特困 elderly", "partly_disabled", False, True, D("100")),
    ("护理补贴: self-caring gets none", "self_care", True, False, None),
    ("护理补贴: not assessed", None, True, False, None),
    ("护理补贴: not 低保/特困", "fully_disabled", False, False, None),
]


@pytest.mark.parametrize(("rule", "level", "dibao", "tekun", "expected"), CARE, ids=[r[0] for r in CARE])
def test_elderly_care_subsidy(rule, level, dibao, tekun, expected):
    assert rules.elderly_care_subsidy(P, care_level=level, in_dibao=dibao, in_tekun=tekun) == expected


HOURS = [
    ("居家养老: 特困 30 hours", {"tekun"}, 30),
    ("居家养老: 低保 and 高龄 → the more generous", {"dibao", "elderly_allowance"}, 20),
    ("居家养老: 高龄 only", {"elderly_allowance"}, 10),
    ("居家养老: none of the classes", {"edge"}, 0),
]


@pytest.mark.parametrize(("rule", "classes", "expected"), HOURS, ids=[r[0] for r in HOURS])
def test_home_care_hours(rule, classes, expected):
    assert rules.home_care_hours(P, classes) == expected
