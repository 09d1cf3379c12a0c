"""Named people for the marriage tests: 陈登记 (registrar of the county office, 新邵县民政局), a
clerk of 酿溪镇 who may not register, and couples whose parties come from other provinces (广东,
四川) or from the demo county. Dates are injected: no test reads today."""

from datetime import date

import pytest

from accounts.tests.factories import StaffFactory
from marriage.services import PartyInput
from registry.tests.factories import new_id_number

DAY = date(2026, 3, 2)  # a Monday


@pytest.fixture
def registrar(county_bureau):
    return StaffFactory(username="registrar", full_name="陈登记", unit=county_bureau, roles=["registrar"])


@pytest.fixture
def auditor(county_bureau):
    return StaffFactory(username="auditor", full_name="吴稽查", unit=county_bureau, roles=["auditor"])


def party(name: str, *, male: bool, born=date(1996, 5, 1), area6="440106", **extra) -> PartyInput:
    declared = {"declared_no_spouse": True, "declared_no_kinship": True, "declared_voluntary": True}
    return PartyInput(id_number=new_id_number(born, male, area6), name=name, **{**declared, **extra})


@pytest.fixture
def couple():
    """王磊 from Guangzhou (440106) and 刘婷 from Chengdu (510104)."""
    return party("王磊", male=True, area6="440106"), party("刘婷", male=False, area6="510104")
