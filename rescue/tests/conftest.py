"""Rescue tests: the station of the county bureau, its officer, the demo county's policy."""

import pytest

from policy.tests.factories import local_amounts, restore_national_defaults


@pytest.fixture(autouse=True)
def county_policy(db):
    restore_national_defaults()
    local_amounts()


@pytest.fixture
def officer(county_bureau):
    from accounts.tests.factories import StaffFactory

    return StaffFactory(username="jiuzhu_t", full_name="王救助", unit=county_bureau, roles=["rescue_officer"])
