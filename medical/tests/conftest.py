import pytest


@pytest.fixture(autouse=True)
def county_policy(db):
    from policy.demo import load_demo_policy

    load_demo_policy()
