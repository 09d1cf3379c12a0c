"""The policy page (政策参数): what is in force for the user's level, and an administrator adding a
value from a date; nobody else may add one."""

from datetime import date

import pytest

from accounts.tests.factories import TEST_PASSWORD, StaffFactory
from policy.demo import load_demo_policy
from policy.models import PolicyParameter

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_new_standard_from_a_date_and_the_page_shows_its_history(client, county_bureau):
    load_demo_policy()
    admin = StaffFactory(username="admin_x", unit=county_bureau, roles=["admin"], password=TEST_PASSWORD)
    client.force_login(admin)
    response = client.post(
        "/policy/",
        {"key": "dibao.standard_rural", "value": '"500.00"', "effective_from": "2026-01-01", "note": "2026年提标"},
    )
    assert response.status_code == 302
    row = PolicyParameter.objects.get(key="dibao.standard_rural", effective_from=date(2026, 1, 1))
    assert row.area_code == "430522000000" and row.value == "500.00"
    page = client.get("/policy/").content.decode()
    assert "500.00" in page and "470.00" in page  # in force now, and the history


def test_a_clerk_reads_the_standards_but_cannot_add_one(client, clerk_a):
    load_demo_policy()
    client.force_login(clerk_a)
    page = client.get("/policy/").content.decode()
    assert "470.00" in page and 'name="effective_from"' not in page
    response = client.post(
        "/policy/", {"key": "dibao.standard_rural", "value": '"1.00"', "effective_from": "2026-01-01"}
    )
    assert response.status_code == 403
    assert not PolicyParameter.objects.filter(value="1.00").exists()


def test_the_old_address_of_the_page_still_leads_to_it(client, clerk_a):
    client.force_login(clerk_a)
    response = client.get("/assistance/policy/")
    assert response.status_code == 301 and response["Location"] == "/policy/"
