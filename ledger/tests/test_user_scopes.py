"""纳入保障 as staff run it, inside their own jurisdiction scope: the county approver enrols a
household of 酿溪镇; 严塘镇's clerk can neither enrol it nor see its enrolment, events or review date."""

from datetime import date
from decimal import Decimal

import pytest

from areas.jurisdiction import scope_for_user, within
from core.errors import DomainError
from ledger import services
from ledger.models import Enrolment, EnrolmentEvent, ReviewSchedule
from policy.programmes import Programme
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def enrol(household, user):
    return services.enrol(
        programme=Programme.DIBAO,
        household=household,
        monthly_amount=Decimal("810"),
        decided_on=date(2025, 3, 20),
        covered_members=3,
        user=user,
    )


def test_the_county_enrols_in_its_own_scope_and_another_township_sees_none_of_it(approver, clerk_a, clerk_b):
    household = HouseholdFactory()  # 城西社区, 酿溪镇
    with within(scope_for_user(approver)):
        enrolment = enrol(household, approver)
        assert services.amount_for_month(enrolment, date(2025, 4, 1)) == Decimal("810")
    with within(scope_for_user(clerk_a)):  # the household's own township sees all three rows
        assert Enrolment.objects.filter(pk=enrolment.pk).exists()
        assert EnrolmentEvent.objects.filter(enrolment_id=enrolment.pk).count() == 1
        assert ReviewSchedule.objects.filter(enrolment_id=enrolment.pk).exists()
    with within(scope_for_user(clerk_b)):
        assert not Enrolment.objects.filter(pk=enrolment.pk).exists()
        assert not EnrolmentEvent.objects.filter(enrolment_id=enrolment.pk).exists()
        assert not ReviewSchedule.objects.filter(enrolment_id=enrolment.pk).exists()
        with pytest.raises(DomainError) as error:
            enrol(HouseholdFactory(), clerk_b)
        assert error.value.code == "outside_jurisdiction"
    with within(scope_for_user(approver)):
        assert Enrolment.objects.count() == 1  # the refused enrolment left nothing behind
