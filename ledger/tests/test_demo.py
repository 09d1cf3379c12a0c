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
