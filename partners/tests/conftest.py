import pytest
from django.core.cache import cache

from accounts.tests.factories import StaffFactory, ensure_area

VILLAGE_A = "430522100201"
VILLAGE_B = "430522101201"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def village_a(township_a):
    return ensure_area(VILLAGE_A, "城西社区")


@pytest.fixture
def village_b(township_b):
    return ensure_area(VILLAGE_B, "严塘村")


@pytest.fixture
def admin_user(county_bureau):
    return StaffFactory(username="admin_x", full_name="吴管理", unit=county_bureau, roles=["admin"])
