from datetime import date

import pytest

from ledger.demo import enrol_demo_recipients
from ledger.models import Enrolment, EnrolmentEvent
from policy.demo import load_demo_policy
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_demo_recipients_go_through_the_ledger_and_are_made_once():
    load_demo_policy()
    for _ in range(10):
        HouseholdFactory(head__birth_date=date(1980, 1, 1))
    counts = enrol_demo_recipients("430522", share=0.5, seed=3)
    assert counts["dibao"] == 5
    assert Enrolment.objects.filter(programme="dibao").count() == 5
    assert EnrolmentEvent.objects.filter(kind="enrolled").count() == Enrolment.objects.count()
    assert all(e.monthly_amount > 0 and e.start_month == date(2025, 7, 1) for e in Enrolment.objects.all())
    assert "already" in enrol_demo_recipients("430522", share=0.5, seed=3)
    assert Enrolment.objects.count() == sum(counts.values())


def test_the_demo_has_one_recipient_paid_to_a_son_with_the_reason_recorded():
    load_demo_policy()
    old = HouseholdFactory(head__birth_date=date(1940, 1, 1), head__name="龙老汉")
    HouseholdFactory(head__birth_date=date(1975, 1, 1), head__name="龙小军", head__sex="M")
    enrol_demo_recipients("430522", share=0.0, seed=3)
    enrolment = Enrolment.objects.get(programme="tekun")
    assert enrolment.household == old
    assert (enrolment.payee_name, enrolment.payee_relation) == ("龙小军", "儿子")
    assert enrolment.payee_exception_reason == "年老行动不便，由儿子代领"
