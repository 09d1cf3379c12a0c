"""Funeral services: the waiver settled monthly to the funeral home and the eco-burial reward paid to the
family, through the payment rolls (ledger.hooks.register_roll_lines) and the fund ledger."""

from datetime import date
from decimal import Decimal

import pytest

from funerals import services
from funerals.models import Death
from ledger import services as ledger
from payments import rolls
from payments.models import RollLine
from policy.programmes import Programme
from registry.services import register_death
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db
COUNTY = "430522000000"


def deceased(dibao=False):
    h = HouseholdFactory(area_code="430522100201", head__name="李德明")
    if dibao:
        ledger.enrol(
            programme=Programme.DIBAO, household=h, monthly_amount=Decimal("500"), decided_on=date(2025, 1, 10)
        )
    register_death(h.head, died_on=date(2026, 3, 2))
    return Death.objects.get(person=h.head)


CHARGES = {"transport": Decimal("400"), "cremation": Decimal("500"), "urn": Decimal("300")}


def test_a_resident_gets_the_basic_items_and_a_dibao_family_the_urn_too(approver, funeral_home):
    plain = services.record_service(
        deceased(), served_on=date(2026, 3, 4), charges=CHARGES, user=approver, funeral_home=funeral_home
    )
    assert plain.waiver_fen == 80000  # 300 + 500
    assisted = services.record_service(
        deceased(dibao=True), served_on=date(2026, 3, 4), charges=CHARGES, user=approver, funeral_home=funeral_home
    )
    assert assisted.waiver_fen == 100000  # + 骨灰盒 200


def test_one_service_per_death(approver, funeral_home):
    death = deceased()
    services.record_service(
        death, served_on=date(2026, 3, 4), charges=CHARGES, user=approver, funeral_home=funeral_home
    )
    with pytest.raises(Exception, match="一人只能减免一次"):
        services.record_service(
            death, served_on=date(2026, 3, 5), charges=CHARGES, user=approver, funeral_home=funeral_home
        )


def test_the_waiver_is_settled_to_the_funeral_home_and_the_reward_paid_to_the_family(
    approver, clerk_a, funeral_home, cemetery
):
    services.set_settlement_account(funeral_home, bank_name="农商银行", bank_account="6228000011112222", user=approver)
    services.record_service(
        deceased(),
        served_on=date(2026, 3, 4),
        charges=CHARGES,
        user=approver,
        funeral_home=funeral_home,
        burial="tree",
        cemetery=cemetery,
        buried_on=date(2026, 3, 10),
        family_name="李小明",
        family_id_number="430522199001011234",
        family_bank_name="邮储银行",
        family_bank_account="6210000000000001",
    )
    waiver = rolls.generate_roll(
        programme=Programme.FUNERAL_WAIVER, month=date(2026, 3, 1), area_code=COUNTY, user=clerk_a
    )
    (line,) = RollLine.objects.filter(roll=waiver)
    assert (line.payee_name, line.amount_fen, line.status, line.beneficiary_name) == (
        "新邵县殡仪馆",
        80000,
        "pending",
        "李德明",
    )
    assert waiver.issue_count == 0
    rolls.approve_roll(waiver, user=approver)
    reward = rolls.generate_roll(programme=Programme.ECO_BURIAL, month=date(2026, 3, 1), area_code=COUNTY, user=clerk_a)
    (line,) = RollLine.objects.filter(roll=reward)
    assert (line.payee_name, line.amount_fen, line.bank_account) == ("李小明", 100000, "6210000000000001")
    april = rolls.generate_roll(
        programme=Programme.FUNERAL_WAIVER, month=date(2026, 4, 1), area_code=COUNTY, user=clerk_a
    )
    assert not RollLine.objects.filter(roll=april).exists()  # settled once, in the month served


def test_a_funeral_home_without_an_account_is_held(approver, clerk_a, funeral_home):
    services.record_service(
        deceased(), served_on=date(2026, 3, 4), charges=CHARGES, user=approver, funeral_home=funeral_home
    )
    waiver = rolls.generate_roll(
        programme=Programme.FUNERAL_WAIVER, month=date(2026, 3, 1), area_code=COUNTY, user=clerk_a
    )
    (line,) = RollLine.objects.filter(roll=waiver)
    assert (line.status, line.hold_reason) == ("held", "no_account")


def test_the_service_page_records_and_lists(client, approver, funeral_home):
    death = deceased()
    client.force_login(approver)
    page = client.post(
        f"/funerals/deaths/{death.pk}/service/",
        {"served_on": "2026-03-04", "funeral_home": funeral_home.pk, "charge_cremation": "500"},
        follow=True,
    )
    assert "减免500.00元" in page.content.decode()
    assert client.get("/funerals/services/?export=xlsx").status_code == 200
    assert client.get(f"/funerals/deaths/{death.pk}/service/").status_code == 200
