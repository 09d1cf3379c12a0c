"""Named people and places for the cases tests (on top of the project's conftest):
赵民生 (worker_a, 民生员 of 城西社区), 李经办 (clerk_a, 酿溪镇), 黄审核 (reviewer_a), 刘审批 (approver,
county), 周残联 (an officer of the county 残联), 孙局长 (leader). Dates are always injected: no test
reads 'today'. Helpers (documents, catalogue items, DAY) are in cases.tests.factories."""

import pytest

from accounts.models import Unit
from accounts.tests.factories import StaffFactory, UnitFactory
from cases import workdays
from registry.tests.factories import HouseholdFactory

COUNTY = "430522000000"


@pytest.fixture(autouse=True)
def _fresh_workday_overrides():
    """A test's overrides are rolled back without a signal: the next test must not see them cached."""
    yield
    workdays._overrides_by_year.clear()


@pytest.fixture
def disabled_federation(county_bureau):
    return UnitFactory(
        name="新邵县残疾人联合会",
        kind=Unit.Kind.DEPARTMENT,
        department=Unit.Department.DISABLED_FEDERATION,
        area_code=COUNTY,
    )


@pytest.fixture
def cl_officer(disabled_federation):
    return StaffFactory(username="cl_officer", full_name="周残联", unit=disabled_federation, roles=[])


@pytest.fixture
def leader(county_bureau):
    return StaffFactory(username="leader", full_name="孙局长", unit=county_bureau, roles=["leader"])


@pytest.fixture
def household(worker_a):
    return HouseholdFactory(phone="13800000001")
