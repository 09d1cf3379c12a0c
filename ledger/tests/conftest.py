"""The ledger tests run with the demo county's amounts in force."""

import pytest

from policy.tests.factories import local_amounts


@pytest.fixture(autouse=True)
def county_amounts(db):
    local_amounts()
