"""The funeral programmes' rules, one row per case (funerals.rules)."""

from datetime import date
from decimal import Decimal as D

import pytest

from funerals import rules
from policy.defaults import DEMO_AMOUNTS, NATIONAL_DEFAULTS
from policy.parameters import Policy

P = Policy(
    area_code="430522000000",
    on=date(2026, 6, 1),
    values={str(k): v for k, v in {**NATIONAL_DEFAULTS, **DEMO_AMOUNTS}.items()},
)
ALL = {"transport": "400", "storage": "100", "cremation": "500", "urn": "680", "farewell": "300", "flowers": "200"}


@pytest.mark.parametrize(
    ("case", "resident", "assisted", "charges", "waived", "total"),
    [
        ("not a resident: nothing", False, True, ALL, {}, "0"),
        (
            "resident: basic items, each up to its cap",
            True,
            False,
            ALL,
            {"transport": D("300"), "storage": D("100"), "cremation": D("500")},
            "900",
        ),
        (
            "低保/特困: the assisted items too",
            True,
            True,
            ALL,
            {"transport": D("300"), "storage": D("100"), "cremation": D("500"), "urn": D("200"), "farewell": D("300")},
            "1400",
        ),
        ("never more than charged", True, False, {"cremation": "320"}, {"cremation": D("320")}, "320"),
        ("items not in the policy are not waived", True, True, {"flowers": "200"}, {}, "0"),
        ("nothing charged, nothing waived", True, True, {"cremation": "0"}, {}, "0"),
    ],
)
def test_funeral_waiver(case, resident, assisted, charges, waived, total):
    result = rules.funeral_waiver(P, resident=resident, assisted=assisted, charges=charges)
    assert (result.items, result.total) == (waived, D(total)), case


@pytest.mark.parametrize(
    ("case", "resident", "method", "before", "amount"),
    [
        ("tree burial", True, "tree", False, "1000"),
        ("scattering pays most", True, "scatter", False, "2000"),
        ("no eco method", True, "", False, "0"),
        ("not a resident", False, "tree", False, "0"),
        ("rewarded once", True, "tree", True, "0"),
        ("a method the policy does not list", True, "sea", False, "0"),
    ],
)
def test_eco_burial_reward(case, resident, method, before, amount):
    assert rules.eco_burial_reward(P, resident=resident, method=method, rewarded_before=before)[0] == D(amount), case


@pytest.mark.parametrize(
    ("hukou", "county", "resident"),
    [("430522100201", "430522000000", True), ("430521100201", "430522000000", False), ("", "430522000000", False)],
)
def test_county_resident(hukou, county, resident):
    assert rules.is_county_resident(hukou, county) is resident
