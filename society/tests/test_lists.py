"""The three lists: consent, proposals with their explained score, referral to acceptance, report and
confirmation; public aid and charity in the same month are flagged."""

from datetime import date
from decimal import Decimal

import pytest

from conftest import COUNTY, TOWNSHIP_A, VILLAGE_A
from core.errors import DomainError
from registry.models import Organisation
from registry.tests.factories import OrganisationFactory
from society import lists
from society.models import Need, Referral, Resource
from society.tests.conftest import make_need, make_resource


def test_a_need_without_the_residents_consent_is_not_recorded(worker_a, household):
    with pytest.raises(DomainError) as error:
        lists.record_need(
            user=worker_a,
            household=household,
            kind="medical",
            description="缺口",
            quantity=Decimal(1),
            unit="元",
            source="visit",
            consent_on=None,
            consent_note="",
        )
    assert "同意" in error.value.message
    assert not Need.objects.exists()


# area, kind, form, remaining → expected score (need: medical, 5000 元, in village A)
PROPOSAL_TABLE = [
    ("village, same kind, enough", VILLAGE_A, "medical", "goods", "6000", 100),
    ("township, same kind, enough", TOWNSHIP_A, "medical", "goods", "6000", 90),
    ("county, same kind, half", COUNTY, "medical", "goods", "2500", 70),
    ("county money for any kind", COUNTY, "living", "funds", "9000", 60),
]


@pytest.mark.parametrize(
    "label, area, kind, form, remaining, expected", PROPOSAL_TABLE, ids=[r[0] for r in PROPOSAL_TABLE]
)
def test_proposals_score_by_area_kind_and_size(
    worker_a, household, charity, label, area, kind, form, remaining, expected
):
    make_resource(charity, area, kind=kind, form=form, quantity=remaining)
    need = make_need(worker_a, household)
    (proposal,) = lists.proposals(need)
    assert proposal.score == expected
    assert len(proposal.reasons) == 3 and proposal.reasons[0].startswith("地域+")


def test_offers_elsewhere_of_another_kind_or_of_a_deregistered_organisation_are_not_proposed(
    worker_a, household, charity
):
    make_resource(charity, "430522101201", kind="medical", form="goods")  # another township's village
    make_resource(charity, COUNTY, kind="education", form="goods")  # another kind, not money
    gone = OrganisationFactory(
        name="已注销基金会",
        kind=Organisation.Kind.FOUNDATION,
        area_code=COUNTY,
        status=Organisation.Status.DEREGISTERED,
    )
    make_resource(gone, COUNTY, kind="medical")
    need = make_need(worker_a, household)
    assert lists.proposals(need) == []


def test_a_need_is_referred_accepted_reported_and_closed_with_the_residents_confirmation(
    worker_a, household, charity, jigou
):
    resource = make_resource(charity, COUNTY, quantity="10000")
    need = make_need(worker_a, household)
    proposal = lists.proposals(need)[0]
    referral = lists.refer(need, user=worker_a, organisation=charity, resource=resource, score=proposal.score)
    assert need.status == Need.Status.REFERRED

    mine = lists.referrals_for_staff(jigou)
    assert list(mine) == [referral]
    lists.accept(referral, user=jigou)
    lists.report_help(
        referral,
        user=jigou,
        report="资助医疗费5000元",
        value=Decimal(5000),
        helped_on=date(2026, 1, 20),
        used=Decimal(5000),
    )
    need.refresh_from_db()
    assert need.status == Need.Status.HELPED
    assert Resource.objects.get(pk=resource.pk).remaining == Decimal(5000)

    lists.confirm(need, user=worker_a, confirmation="户主签字确认收到", on_date=date(2026, 1, 22))
    need.refresh_from_db()
    assert need.status == Need.Status.CLOSED and need.closed_on == date(2026, 1, 22)
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.REPORTED


def test_a_declined_referral_opens_the_need_again_and_staff_of_another_organisation_see_nothing(
    worker_a, household, charity, jigou
):
    other = OrganisationFactory(name="另一家基金会", kind=Organisation.Kind.FOUNDATION, area_code=COUNTY)
    need = make_need(worker_a, household)
    referral = lists.refer(need, user=worker_a, organisation=other)
    assert not lists.referrals_for_staff(jigou).exists()
    with pytest.raises(DomainError):
        lists.staff_referral(jigou, referral.pk)
    lists.decline(referral, user=jigou, reason="超出服务范围")
    assert Need.objects.get(pk=need.pk).status == Need.Status.OPEN


def test_confirmation_before_the_help_is_reported_is_refused(worker_a, household, charity):
    need = make_need(worker_a, household)
    with pytest.raises(DomainError):
        lists.confirm(need, user=worker_a, confirmation="确认", on_date=date(2026, 1, 22))


def test_a_need_already_met_by_a_public_payment_that_month_is_flagged(worker_a, household, clerk_a):
    from payments.rolls import generate_roll
    from payments.tests.factories import APRIL, dibao
    from policy.tests.factories import local_amounts

    local_amounts()
    household.bank_name, household.bank_account, household.bank_account_name = (
        "农村商业银行",
        "6221580000000000001",
        household.head.name,
    )
    household.save()
    dibao(household)
    generate_roll(programme="dibao", month=APRIL, area_code=TOWNSHIP_A, user=clerk_a)
    living = make_need(worker_a, household, kind="living")
    medical = make_need(worker_a, household, kind="medical")
    (sentence,) = lists.public_aid_overlap(living, on_date=APRIL)
    assert "2025年04月" in sentence and "最低生活保障" in sentence
    assert lists.public_aid_overlap(medical, on_date=APRIL) == []
    assert lists.public_aid_overlap(living, on_date=date(2025, 6, 1)) == []
