"""The monitoring tests run with the demo county's amounts in force; the families and
datasets they watch are verification's (verification.tests.factories)."""

import pytest

from policy.tests.factories import local_amounts


@pytest.fixture(autouse=True)
def county_amounts(db):
    local_amounts()
