"""养老服务 pages as their users see them: the clerk's institutions and beds per 1,000 elderly, an
institution's residents, home care and settlements; the carer's check-in page; the refusals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from conftest import VILLAGE_A
from eldercare.models import ServiceRecord, Settlement
from eldercare.services import create_order
from eldercare.tests.factories import institution, provider
from ledger.services import enrol
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]


@pytest.fixture
def carer_user(township_a):
    return StaffFactory(username="jigou_t", full_name="吴志明", unit=township_a, roles=["provider_staff"])


@pytest.mark.parametrize(
    ("who", "name", "status"),
    [
        ("clerk_a", "eldercare:index", 200),
        ("clerk_a", "eldercare:orders", 200),
        ("clerk_a", "eldercare:order_new", 200),
        ("clerk_a", "eldercare:settlements", 200),
        ("clerk_a", "eldercare:serve", 403),
        ("carer_user", "eldercare:serve", 200),
        ("carer_user", "eldercare:index", 403),
        ("worker_a", "eldercare:index", 403),
    ],
)
def test_pages_answer_their_users_and_refuse_others(client, request, who, name, status):
    institution()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code == status


def test_a_clerk_admits_a_resident_and_bad_input_is_told_in_chinese(client, clerk_a):
    home = institution()
    person = HouseholdFactory(area_code=VILLAGE_A, head__name="孙老汉").head
    client.force_login(clerk_a)
    answer = client.post(
        reverse("eldercare:admit", args=[home.pk]), {"id_number": "123", "care_level": "self_care"}, follow=True
    )
    assert "18位身份证号" in answer.content.decode()
    client.post(reverse("eldercare:admit", args=[home.pk]), {"id_number": person.id_number, "care_level": "self_care"})
    page = client.get(reverse("eldercare:institution", args=[home.pk])).content.decode()
    assert "孙*汉" in page and person.id_number not in page
    answer = client.post(reverse("eldercare:beds", args=[home.pk]), {"beds_self_care": "-3"}, follow=True)
    assert "床位数须为0至10000的整数" in answer.content.decode()
    assert client.get(reverse("eldercare:index"), {"export": "xlsx"}).status_code == 200


def test_the_carer_checks_in_on_the_phone_and_the_clerk_settles_it(client, clerk_a, approver, carer_user):
    found, meals, _cleaning, _carer = provider(user=carer_user)
    person = HouseholdFactory(area_code=VILLAGE_A, head__name="周桂英").head
    enrol(
        programme="tekun",
        household=person.headed_households.first(),
        beneficiary=person,
        monthly_amount=Decimal("691"),
        decided_on=timezone.localdate() - timedelta(days=400),
    )
    create_order(person=person, provider=found, items=[meals], on_date=timezone.localdate(), user=clerk_a)
    client.force_login(carer_user)
    assert "周*英" in client.get(reverse("eldercare:serve")).content.decode()
    now = timezone.localtime().replace(second=0, microsecond=0)
    start = max(now - timedelta(hours=1), now.replace(day=1, hour=0, minute=0))
    order = found.orders.get()
    answer = client.post(
        reverse("eldercare:serve"),
        {
            "order": order.pk,
            "item": meals.pk,
            "started_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ended_at": now.strftime("%Y-%m-%dT%H:%M"),
            "confirm_code": person.id_number[-4:],
        },
        follow=True,
    )
    assert "已签到" in answer.content.decode()
    assert ServiceRecord.objects.get().confirmed
    answer = client.post(
        reverse("eldercare:serve"), {"order": order.pk, "item": meals.pk, "started_at": "x"}, follow=True
    )
    assert "请填写服务的开始和结束时间" in answer.content.decode()
    client.force_login(clerk_a)
    client.post(reverse("eldercare:settlements"), {"provider": found.pk, "month": now.strftime("%Y-%m")})
    settlement = Settlement.objects.get()
    assert settlement.record_count == 1 and settlement.amount_fen > 0
    client.force_login(approver)
    client.post(reverse("eldercare:settlement_approve", args=[settlement.pk]))
    assert Settlement.objects.get().status == "approved"
    assert client.get(reverse("eldercare:settlements"), {"export": "xlsx"}).status_code == 200


def test_staff_without_an_area_see_no_area_s_elderly_or_beds(client, township_a):
    """Fail-closed: an account with the clerk's role but no unit counts nobody's elderly — not the
    whole installation's — on the beds-per-1,000 page."""
    from datetime import date

    HouseholdFactory(area_code=VILLAGE_A, head__birth_date=date(1950, 1, 1))
    nobody = StaffFactory(username="no_unit", unit=None, roles=["clerk"])
    client.force_login(nobody)
    response = client.get(reverse("eldercare:index"))
    assert response.status_code == 200
    assert (response.context["total"].elderly, response.context["rows"]) == (0, [])
