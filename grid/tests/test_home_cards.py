"""The home page shows a 民生员 the visits they owe and a grid worker the events they reported."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from grid import visits
from ledger import services as ledger
from policy.programmes import Programme

pytestmark = pytest.mark.django_db


def test_a_livelihood_worker_sees_an_overdue_visit_on_the_home_page(client, minsheng, household):
    ledger.enrol(
        programme=Programme.DIBAO, household=household, monthly_amount=Decimal("500"), decided_on=date(2026, 1, 10)
    )
    visits.assign_contacts([household], minsheng, on_date=date(2026, 1, 1))
    client.force_login(minsheng)
    page = client.get("/").content.decode()
    assert "我的入户走访" in page and household.number in page and "走访已超期" in page


def test_a_worker_without_households_gets_no_visit_card(client, minsheng):
    client.force_login(minsheng)
    assert "我的入户走访" not in client.get("/").content.decode()


def test_a_grid_worker_sees_the_events_they_reported(client, grid_worker, household):
    from grid.models import EventCategory, GridEvent

    category = EventCategory.objects.order_by("id").first()
    GridEvent.objects.create(
        category=category,
        description="独居老人家中无人照料",
        reporter=grid_worker,
        reported_at=timezone.now(),
        household=household,
        area_code=household.area_code,
    )
    client.force_login(grid_worker)
    page = client.get("/").content.decode()
    assert "我上报的事件" in page and "独居老人家中无人照料"[:20] in page
