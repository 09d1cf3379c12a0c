"""Relief assessed and paid through the roll; campaigns reach their households at the door."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from areas.jurisdiction import scope_for_user, within
from core.errors import DomainError
from ledger.models import Enrolment
from policy.programmes import Programme
from registry.tests.factories import HouseholdFactory
from relief import assess, campaigns, stock
from relief.models import Campaign, Material, ReliefAssessment, StockItem

pytestmark = pytest.mark.django_db


def test_an_approved_assessment_is_paid_by_the_disaster_relief_roll(flood, clerk_a, approver):
    from payments.rolls import generate_roll

    household = HouseholdFactory()
    with within(scope_for_user(clerk_a)):
        made = assess.assess(
            user=clerk_a, event=flood, household=household, category="transitional", persons=3, days=30
        )
    assert made.amount == Decimal("1800.00") and "20" in made.basis
    with within(scope_for_user(clerk_a)), pytest.raises(DomainError) as error:
        assess.approve(user=clerk_a, assessment=made)
    assert error.value.code == "relief_self_approval"
    with within(scope_for_user(approver)):
        approved = assess.approve(user=approver, assessment=made)
        roll = generate_roll(
            programme=Programme.DISASTER_RELIEF, month=timezone.localdate(), area_code="430522000000", user=approver
        )
    assert approved.status == ReliefAssessment.Status.APPROVED
    assert approved.enrolment.programme == Programme.DISASTER_RELIEF
    assert roll.lines.filter(enrolment=approved.enrolment).exists()


def enrol(programme, household):
    return Enrolment.objects.create(
        programme=programme, household=household, area_code=household.area_code, monthly_amount=Decimal("500"),
        start_month=date(2025, 1, 1), covered_members=1, last_reviewed_on=date(2025, 1, 1),
    )  # fmt: skip


def make_campaign(clerk, store, **extra):
    fields = dict(name="寒冬送温暖", kind=Campaign.Kind.WINTER, rule=Campaign.Rule.TEKUN_DIBAO,
                  starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=30),
                  cash_per_household=Decimal("200"), material=Material.QUILT, quantity_per_household=1, store=store)  # fmt: skip
    fields.update(extra)
    with within(scope_for_user(clerk)):
        return campaigns.create_campaign(user=clerk, area_code=clerk.area_code, **fields)


def test_the_rule_lists_each_tekun_or_dibao_household_once(clerk_a, store):
    both, dibao, _none = HouseholdFactory.create_batch(3)
    enrol(Programme.DIBAO, both)
    enrol(Programme.TEKUN, both)
    enrol(Programme.DIBAO, dibao)
    elsewhere = HouseholdFactory(area_code="430522101201", number="43052210120100001")
    enrol(Programme.DIBAO, elsewhere)
    campaign = make_campaign(clerk_a, store)
    with within(scope_for_user(clerk_a)):
        assert campaigns.build_targets(campaign) == 2
        assert campaigns.build_targets(campaign) == 0  # again: nobody twice
    reasons = dict(campaign.targets.values_list("household_id", "reason"))
    assert set(reasons) == {both.pk, dibao.pk}
    assert "低保" in reasons[both.pk] and "特困" in reasons[both.pk]


def test_delivery_at_the_door_takes_the_quilt_and_records_the_signature(clerk_a, worker_a, store, signature):
    stock.receive(store=store, material=Material.QUILT, quantity=1, document_reference="调拨单1", user=None)
    first, second = HouseholdFactory.create_batch(2)
    enrol(Programme.DIBAO, first)
    enrol(Programme.DIBAO, second)
    campaign = make_campaign(clerk_a, store)
    with within(scope_for_user(clerk_a)):
        campaigns.build_targets(campaign)
        campaigns.start(campaign)
    one, two = campaign.targets.order_by("household_id")
    with within(scope_for_user(worker_a)):
        done = campaigns.deliver(user=worker_a, target=one, signer_name="张三", signature=signature, photo=None)
        with pytest.raises(DomainError) as error:
            campaigns.deliver(user=worker_a, target=two, signer_name="李四", signature=signature, photo=None)
        campaigns.not_reached(target=two, reason="外出务工")
    assert error.value.code == "relief_stock_short"
    assert done.delivered_by == worker_a and done.receipt.cash == Decimal("200")
    assert StockItem.objects.get().on_hand == 0
    [row] = campaigns.progress(campaign)
    assert (row["total"], row["reached"], row["refused"]) == (2, 1, 1)
