"""政策找人 pages as the 民生员 uses them: the village's findings with reasons (masked names), the
export, a visit, the apply button that opens the window's form filled in, and the refusals."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import VILLAGE_A
from core.months import add_months, month_start
from outreach.models import Finding
from outreach.services import find_eligible
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]


@pytest.fixture
def turning_80(worker_a):
    next_month = add_months(month_start(timezone.localdate()), 1)
    household = HouseholdFactory(
        area_code=VILLAGE_A, head__name="李秋菊", head__birth_date=date(next_month.year - 80, next_month.month, 10)
    )
    find_eligible(timezone.localdate())
    return Finding.objects.get(person=household.head, programme="elderly_allowance")


def test_the_worker_sees_the_finding_visits_and_applies_with_the_household_filled_in(client, worker_a, turning_80):
    client.force_login(worker_a)
    page = client.get(reverse("outreach:findings")).content.decode()
    assert "李*菊" in page and "李秋菊" not in page and "未享受高龄津贴" in page and "城西社区" in page
    assert "政策找人" in client.get(reverse("home")).content.decode()
    answer = client.post(reverse("outreach:visit", args=[turning_80.pk]), {"note": ""}, follow=True)
    assert "请填写走访情况" in answer.content.decode()
    client.post(reverse("outreach:visit", args=[turning_80.pk]), {"note": "见到本人，愿意申请"})
    assert Finding.objects.get(pk=turning_80.pk).status == "visited"
    answer = client.post(reverse("outreach:apply", args=[turning_80.pk]))
    assert answer.status_code == 302 and answer.url.startswith(reverse("assistance:apply"))
    form = client.get(answer.url).content.decode()
    assert (
        'data-testid="beneficiary-李秋菊"' in form
        and "checked" in form.split('data-testid="beneficiary-李秋菊"')[0].rsplit("<input", 1)[1]
    )
    assert Finding.objects.get(pk=turning_80.pk).status == "applied"


def test_the_list_exports_and_filters_and_refuses_who_may_not_use_it(client, worker_a, clerk_b, turning_80, auditor):
    client.force_login(worker_a)
    export = client.get(reverse("outreach:findings"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        client.get(
            reverse("outreach:findings"), {"programme": "nonsense", "status": "bogus", "village": "x"}
        ).status_code
        == 200
    )
    client.force_login(clerk_b)  # the other township: not in scope
    assert "李*菊" not in client.get(reverse("outreach:findings")).content.decode()
    assert client.post(reverse("outreach:visit", args=[turning_80.pk]), {"note": "x"}, follow=True).status_code == 200
    assert Finding.objects.get(pk=turning_80.pk).status == "open"
    client.force_login(auditor)
    assert client.get(reverse("outreach:findings")).status_code == 403


def test_an_approver_without_an_area_finds_nobody_anywhere(client, approver, worker_a):
    """Fail-closed: an account with the approver's role but no unit has no jurisdiction, so 立即运行
    reads and writes nothing — not every county's residents."""
    from accounts.tests.factories import StaffFactory

    next_month = add_months(month_start(timezone.localdate()), 1)
    HouseholdFactory(area_code=VILLAGE_A, head__birth_date=date(next_month.year - 80, next_month.month, 10))
    nobody = StaffFactory(username="no_unit", unit=None, roles=["approver"])
    client.force_login(nobody)
    client.post(reverse("outreach:run"))
    assert not Finding.objects.exists()
