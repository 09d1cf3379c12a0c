"""A death stops payment through one service (ledger.deaths.record_death), whoever reports it: the
registry's person page, the person API, the service itself (the 公安 and 殡葬 files are in
verification/tests/test_sweeps.py). Each report stops what ends with the death from the month
after it, holds the roll lines not yet paid, opens the household's review and notes it there once."""

from datetime import date
from decimal import Decimal

import pytest

from assistance.casework import ReviewCase
from cases.models import Case, CaseEvent
from ledger import services
from ledger.deaths import record_death
from ledger.models import EnrolmentEvent
from payments import rolls
from payments.models import RollLine
from policy.defaults import DEMO_AMOUNTS
from policy.models import PolicyParameter
from policy.programmes import Programme
from registry.models import Membership, Person
from registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
VILLAGE_A = "430522100201"
COUNTY = "430522000000"


@pytest.fixture(autouse=True)
def county_amounts():
    for key, value in DEMO_AMOUNTS.items():
        PolicyParameter.objects.create(area_code=COUNTY, key=key, value=value, effective_from=date(2025, 1, 1))


def household(*others: str, head: str = "赵孤"):
    h = HouseholdFactory(area_code=VILLAGE_A, head__name=head, bank_name="农商银行", bank_account="6221580000000000001")
    for name in others:
        Membership.objects.create(
            household=h,
            person=PersonFactory(name=name, area_code=VILLAGE_A),
            relation="20",
            start_date=date(2020, 1, 1),
        )
    return h


def dibao(h, amount="600"):
    return services.enrol(
        programme=Programme.DIBAO, household=h, monthly_amount=Decimal(amount), decided_on=date(2025, 1, 10)
    )


def roll(month, clerk, approver=None):
    made = rolls.generate_roll(programme=Programme.DIBAO, month=month, area_code=COUNTY, user=clerk)
    if approver is not None:
        rolls.approve_roll(made, user=approver)
    return made


def notes_of(person):
    return CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE, data__death_of=person.pk)


def test_the_person_page_stops_payment_holds_the_unpaid_line_and_opens_the_review(client, clerk_a, approver):
    h = household()
    enrolment = dibao(h)
    june = roll(date(2025, 6, 1), clerk_a, approver)  # the month of the death is paid
    july = roll(date(2025, 7, 1), clerk_a)  # awaiting approval
    client.force_login(clerk_a)
    page = client.post(f"/registry/persons/{h.head_id}/death/", {"death_date": "2025-06-15"}, follow=True)

    review = Case.objects.get(household=h, item__code="dibao_change")
    message = page.content.decode()
    assert f"已登记赵孤死亡；已发起复核：{review.receipt_no}；最低生活保障（低保）自2025年07月起停发" in message
    assert "暂缓发放名册明细1笔（死亡停发）" in message
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.end_month) == ("stopped", date(2025, 7, 1))
    stopped = enrolment.events.get(kind=EnrolmentEvent.Kind.STOPPED)
    assert (stopped.case_reference, stopped.recorded_by, stopped.effective_month) == (
        review.receipt_no,
        clerk_a,
        date(2025, 7, 1),
    )
    (held,) = RollLine.objects.filter(roll=july)
    assert (held.status, held.hold_reason, held.in_bank_file) == ("held", "deceased", False)
    july.refresh_from_db()
    assert (july.issue_count, july.payable_count, july.held_count) == (0, 0, 1)  # approvable, nothing paid
    assert RollLine.objects.get(roll=june).status == "pending"  # June is owed: paid as approved
    (note,) = notes_of(h.head)
    assert note.case == review and "赵孤于2025-06-15死亡（居民档案登记）" in note.text
    assert review.accepted_by == clerk_a and review.is_open


def test_the_api_stops_the_personal_enrolment_keeps_the_familys_and_a_second_call_changes_nothing(client, clerk_a):
    h = household("李二")
    family_dibao = dibao(h)
    own = services.enrol(
        programme=Programme.DISABILITY_LIVING,
        household=h,
        beneficiary=h.head,
        monthly_amount=Decimal("100"),
        decided_on=date(2025, 1, 10),
    )
    client.force_login(clerk_a)
    url = f"/api/v1/registry/persons/{h.head_id}/death"
    first = client.post(url, {"died_on": "2025-06-15"}, content_type="application/json")
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["person"]["life_status"] == "deceased" and body["person"]["death_date"] == "2025-06-15"
    review = Case.objects.get(household=h, item__code="dibao_change")
    assert body["done"] == [
        f"已发起复核：{review.receipt_no}",
        "困难残疾人生活补贴自2025年07月起停发",
        "家庭其他成员的保障待复核后调整",
    ]
    own.refresh_from_db()
    family_dibao.refresh_from_db()
    assert own.status == "stopped" and family_dibao.status == "in_payment"
    # the review is of the family's 低保, whose amount the outcome sets (assistance's 复核案件 record)
    assert ReviewCase.objects.get(case=review).enrolment == family_dibao

    events, cases = EnrolmentEvent.objects.count(), Case.objects.count()
    again = client.post(url, {"died_on": "2025-06-14"}, content_type="application/json").json()
    assert again["done"] == [f"该死亡此前已登记，由复核办件{review.receipt_no}办理"]
    assert again["person"]["death_date"] == "2025-06-15"  # the date on record stands
    assert (EnrolmentEvent.objects.count(), Case.objects.count(), notes_of(h.head).count()) == (events, cases, 1)


def test_the_last_living_member_stops_the_household_enrolment(clerk_a):
    h = household("李二")
    enrolment = dibao(h)
    wife = Person.objects.get(name="李二")
    first = record_death(wife, died_on=date(2025, 3, 2), source="funeral", user=clerk_a, on_date=date(2025, 3, 20))
    enrolment.refresh_from_db()
    assert enrolment.status == "in_payment" and first.stopped == []
    second = record_death(h.head, died_on=date(2025, 5, 31), source="death", user=clerk_a, on_date=date(2025, 6, 3))
    enrolment.refresh_from_db()
    assert second.stopped == [enrolment] and (enrolment.status, enrolment.end_month) == ("stopped", date(2025, 6, 1))
    assert second.case == first.case  # the open review of the household is joined, not doubled
    assert "家庭成员均已死亡" in enrolment.events.get(kind=EnrolmentEvent.Kind.STOPPED).reason
    assert [n.data["source"] for n in CaseEvent.objects.filter(case=first.case, kind="note")] == ["funeral", "death"]


def test_a_resident_without_benefits_is_only_marked_dead(clerk_a):
    person = household().head
    result = record_death(person, died_on=date(2025, 6, 15), source="api", user=clerk_a, on_date=date(2025, 6, 20))
    person.refresh_from_db()
    assert person.life_status == "deceased" and result.case is None and result.done == []
    assert not Case.objects.exists()
