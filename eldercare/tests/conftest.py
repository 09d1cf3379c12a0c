"""The demo county's amounts in force (elderly tiers, service subsidy, home-care hours) for the
elderly-care tests; the named staff come from the project's conftest."""

import pytest


@pytest.fixture
def demo_policy(db):
    from policy.demo import load_demo_policy

    load_demo_policy()
