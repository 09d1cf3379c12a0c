"""Review cases the system opens (依职权): no clerk's name, the clock running from the day it opens,
the first step in the township office's queue — one household one case, many opened together."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assistance.casework import ReviewCase
from audit.models import AuditEntry
from cases.models import Case, CaseDocument
from cases.tests.factories import give_documents
from cases.views.queues import queue_queryset
from ledger.reviews import JOINED, ReviewRequest, open_review_case, open_review_cases_for
from ledger.services import enrol
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db
DAY = date(2025, 10, 9)  # a Thursday
VILLAGE_A = "430522100201"  # 酿溪镇
VILLAGE_B = "430522101201"  # 严塘镇


def household(area=VILLAGE_A):
    return HouseholdFactory(area_code=area, head__area_code=area)


def enrolled(area=VILLAGE_A):
    return enrol(
        programme="dibao",
        household=household(area),
        monthly_amount=Decimal("600"),
        decided_on=date(2025, 1, 10),
        covered_members=1,
    )


def test_a_review_nobody_asked_for_is_the_systems_with_its_clock_running_in_the_township_queue(clerk_a):
    family = household()  # holds none of the documents 低保变更 lists: the system's review is not held for them
    opened = open_review_case(family, reason="车辆信息比对：小型汽车", on_date=DAY, origin="verification")

    case = opened.case
    assert opened.created and opened.note == ""
    assert case.accepted_by is None and case.accepting_unit == clerk_a.unit
    assert (case.status, case.clock_started_on, case.paused_on) == ("in_progress", DAY, None)
    assert case.due_on is not None and case.due_on > DAY
    step = case.current_step
    assert (step.state, step.responsible_unit, step.started_on) == ("active", clerk_a.unit, DAY)
    assert step in queue_queryset(clerk_a, "todo", DAY)  # the township clerk's 待办
    accepted = case.events.get(kind="accepted")
    assert (accepted.actor, accepted.actor_name, accepted.unit_name) == (None, "系统", "酿溪镇民政办")
    assert "车辆信息比对" in accepted.text
    assert case.events.filter(kind="step_started").count() == 1
    origin = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk), changes__origin="verification")
    assert origin.get().changes["accepted_as"] == "system"


def test_a_clerk_who_asks_at_the_window_still_accepts_in_their_own_name(clerk_a):
    opened = open_review_case(household(), reason="群众反映", on_date=DAY, user=clerk_a)
    assert opened.case.accepted_by == clerk_a


def test_many_households_open_together_one_case_each_joining_an_open_one(clerk_a, clerk_b):
    first, second, third = enrolled(), enrolled(), enrolled(VILLAGE_B)
    give_documents(first.household, ["id_card", "household_booklet"])
    already = open_review_case(third.household, reason="年度复核", on_date=DAY).case

    requests = [
        ReviewRequest(first.household, "收入超标", enrolment=first, finding_id=11),
        ReviewRequest(second.household, "车辆", enrolment=second, finding_id=12),
        ReviewRequest(first.household, "存款超标", enrolment=first, finding_id=13),
        ReviewRequest(third.household, "工商登记", enrolment=third, finding_id=14),
    ]
    results = open_review_cases_for(requests, on_date=DAY, origin="verification")

    assert [(r.created, r.note) for r in results] == [(True, ""), (True, ""), (False, JOINED), (False, JOINED)]
    assert results[0].case == results[2].case and results[3].case == already
    numbers = [r.case.receipt_no for r in results[:2]]
    assert len(set(numbers)) == 2 and all(n.startswith("43052220251009") for n in numbers)
    assert Case.objects.count() == 3
    assert results[1].case.accepting_unit == clerk_a.unit and already.accepting_unit == clerk_b.unit
    # the household's current documents are on its case, for the clerk
    assert CaseDocument.objects.filter(case=results[0].case).count() == 2
    # assistance keeps one 复核案件 record per case, of the enrolment under review
    assert dict(ReviewCase.objects.values_list("case_id", "enrolment_id")) == {
        results[0].case.pk: first.pk,
        results[1].case.pk: second.pk,
        already.pk: third.pk,
    }


def test_opening_many_costs_the_statements_of_opening_one(clerk_a):
    one = [ReviewRequest(household(), "核对")]
    with CaptureQueriesContext(connection) as single:
        open_review_cases_for(one, on_date=DAY, origin="verification")
    many = [ReviewRequest(household(), "核对") for _ in range(8)]
    with CaptureQueriesContext(connection) as together:
        assert all(r.created for r in open_review_cases_for(many, on_date=DAY, origin="verification"))
    assert len(together.captured_queries) == len(single.captured_queries)


def test_a_township_without_a_civil_affairs_office_gets_no_case_and_is_told_why(clerk_a):
    elsewhere = household(VILLAGE_B)  # 严塘镇 has no office in this test
    (result,) = open_review_cases_for([ReviewRequest(elsewhere, "核对")], on_date=DAY, origin="verification")
    assert result.case is None and "没有民政办" in result.note
    assert not Case.objects.exists()
