"""The 督办 board shows overdue low-income monitoring warnings (a column monitoring registers through
cases.hooks) next to the cases of each unit; the column has its heading."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StaffFactory
from monitoring import services as monitoring
from monitoring.models import Warning
from verification.tests.factories import enrol, family, load

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_warning(worker_a):
    household = family({"name": "病甲"})
    enrol(household)
    load(
        "social_insurance",
        ["身份证号", "姓名", "参保状态", "日期"],
        [[household.head.id_number, "病甲", "失业登记", "2025-08-01"]],
    )
    monitoring.run_monitoring(date(2025, 8, 1))
    return Warning.objects.get()


def test_board_lists_overdue_monitoring_warnings_by_unit(overdue_warning, county_bureau, worker_a):
    leader = StaffFactory(username="leader", full_name="孙局长", unit=county_bureau, roles=["leader"])
    client = Client()
    client.force_login(leader)
    page = client.get(reverse("cases:board"))
    body = page.content.decode()
    assert page.status_code == 200 and "超期监测预警" in body
    row = next(line for line in body.split("<tr>") if worker_a.unit.name in line)
    assert 'data-testid="board-overdue-work">1<' in row
    elsewhere = client.get(reverse("cases:board"), {"area": "430522101000"}).content.decode()
    assert 'data-testid="board-overdue-work"' not in elsewhere  # another township's filter
