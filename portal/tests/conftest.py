"""Portal tests: a resident of 城西社区 (酿溪镇) whose household's registered phone is PHONE, and a
second household next door (for the 404 tests), on top of the root conftest's people."""

import pytest

from conftest import VILLAGE_A
from policy.tests.factories import local_amounts

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def county_amounts(db):
    local_amounts()


@pytest.fixture
def household(worker_a):
    from registry.tests.factories import HouseholdFactory

    return HouseholdFactory(area_code=VILLAGE_A, head__name="王秀兰", head__phone=PHONE, phone=PHONE)


@pytest.fixture
def other_household(worker_a):
    from registry.tests.factories import HouseholdFactory

    return HouseholdFactory(area_code=VILLAGE_A, head__name="李四", head__phone="13900000000")


@pytest.fixture
def resident(household):
    """The bound account of the household's head."""
    from portal import services
    from portal.models import ResidentAccount

    account = ResidentAccount.objects.create(phone=PHONE)
    return services.bind(account, name=household.head.name, id_number=household.head.id_number)


@pytest.fixture
def resident_client(client, resident):
    session = client.session
    session["portal_resident"] = resident.pk
    session.save()
    return client


def latest_code(phone: str) -> str:
    """The code the loopback gateway (the SMS outbox) holds for the phone."""
    import re

    from cases.models import SmsOutbox

    text = SmsOutbox.objects.filter(phone=phone).order_by("-id").first().text
    return re.search(r"验证码为(\d{6})", text).group(1)
