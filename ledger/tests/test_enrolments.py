"""Enrolments move only through named actions, each leaving an event (docs/domain.md §9.1)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from core.errors import DomainError
from ledger import services
from ledger.models import Enrolment, EnrolmentEvent
from policy.programmes import Programme
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def dibao(household, decided_on=date(2025, 3, 20), amount="810", basis=Enrolment.ReviewBasis.STABLE):
    return services.enrol(
        programme=Programme.DIBAO,
        household=household,
        monthly_amount=Decimal(amount),
        decided_on=decided_on,
        covered_members=3,
        review_basis=basis,
        case_reference="DB2025-0001",
    )


def test_payment_starts_the_month_after_the_decision_and_review_is_scheduled():
    enrolment = dibao(HouseholdFactory())
    assert enrolment.start_month == date(2025, 4, 1)
    assert enrolment.review_schedule.due_on == date(2026, 3, 20)
    event = enrolment.events.get()
    assert (event.kind, event.amount_after, event.case_reference) == (
        EnrolmentEvent.Kind.ENROLLED,
        Decimal("810"),
        "DB2025-0001",
    )


def test_unstable_income_is_reviewed_every_six_months():
    enrolment = dibao(HouseholdFactory(), basis=Enrolment.ReviewBasis.UNSTABLE)
    assert enrolment.review_schedule.due_on == date(2025, 9, 20)


def test_dibao_and_tekun_for_the_same_person_are_refused_with_the_reason():
    household = HouseholdFactory(head__name="张三")
    dibao(household)
    with pytest.raises(DomainError) as error:
        services.enrol(
            programme=Programme.TEKUN,
            household=household,
            beneficiary=household.head,
            monthly_amount=Decimal("611"),
            decided_on=date(2025, 5, 1),
        )
    assert error.value.code == "incompatible"
    assert error.value.message == "张三已享受最低生活保障（低保），不得同时纳入特困人员救助供养（特困）"


def test_disability_subsidy_alongside_dibao_is_allowed():
    household = HouseholdFactory()
    dibao(household)
    services.enrol(
        programme=Programme.DISABILITY_LIVING,
        household=household,
        beneficiary=household.head,
        monthly_amount=Decimal("80"),
        decided_on=date(2025, 5, 1),
    )
    assert Enrolment.objects.filter(household=household).count() == 2


def test_a_household_cannot_hold_two_open_dibao_enrolments():
    household = HouseholdFactory()
    dibao(household)
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - the database constraint
        dibao(household)


def test_stop_ends_payment_from_next_month_and_amount_for_month_follows():
    enrolment = dibao(HouseholdFactory())
    services.stop(enrolment, decided_on=date(2025, 8, 10), reason="收入超过标准")
    assert enrolment.end_month == date(2025, 9, 1)
    assert services.amount_for_month(enrolment, date(2025, 8, 1)) == Decimal("810")
    assert services.amount_for_month(enrolment, date(2025, 9, 1)) == 0
    with pytest.raises(DomainError, match="已停保"):
        services.stop(enrolment, decided_on=date(2025, 9, 10), reason="重复")


def test_gradual_exit_pays_the_stepped_plan_then_ends():
    enrolment = dibao(HouseholdFactory(), amount="600")
    services.start_gradual_exit(enrolment, decided_on=date(2025, 6, 15), reason="就业后收入超过标准")
    amounts = [services.amount_for_month(enrolment, date(2025, m, 1)) for m in range(7, 13)]
    assert amounts == [Decimal(a) for a in ("600.00", "500.00", "400.00", "300.00", "200.00", "100.00")]
    assert services.amount_for_month(enrolment, date(2026, 1, 1)) == 0


def test_fraud_stops_and_records_recovery_and_fine():
    enrolment = dibao(HouseholdFactory(), amount="300")
    recovered, fine = services.record_fraud(
        enrolment,
        decided_on=date(2025, 10, 8),
        months_paid_wrongly=5,
        fine_multiple=Decimal("2"),
        reason="隐瞒经营收入",
    )
    assert (recovered, fine) == (Decimal("1500"), Decimal("3000.00"))
    kinds = list(enrolment.events.values_list("kind", flat=True))
    assert kinds == ["enrolled", "stopped", "recovery", "fine"]


def test_a_stale_copy_cannot_overwrite_a_newer_change():
    enrolment = dibao(HouseholdFactory())
    stale = Enrolment.objects.get(pk=enrolment.pk)
    services.adjust_amount(enrolment, new_amount=Decimal("700"), decided_on=date(2025, 5, 1), reason="人口变化")
    with pytest.raises(DomainError) as error:
        services.adjust_amount(stale, new_amount=Decimal("900"), decided_on=date(2025, 5, 2), reason="重复操作")
    assert error.value.code == "concurrent_change"
    enrolment.refresh_from_db()
    assert enrolment.monthly_amount == Decimal("700")


def test_events_cannot_be_edited_or_deleted():
    event = dibao(HouseholdFactory()).events.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        EnrolmentEvent.objects.filter(pk=event.pk).update(reason="改掉")
    with pytest.raises(DatabaseError), transaction.atomic():
        EnrolmentEvent.objects.filter(pk=event.pk).delete()
