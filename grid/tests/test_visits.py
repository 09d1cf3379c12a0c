"""Structured visits: stored once per phone-made id; a change of income in a household in payment
opens its review; a household edited meanwhile is a conflict shown, not overwritten; a visit tied to
a warning closes or escalates it; warnings are assigned by hand with a deadline; contacts and plans."""

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from areas.jurisdiction import scope_for_user, within
from core.errors import DomainError
from grid import visits
from grid.models import HouseholdContact, Visit
from ledger import services as ledger
from policy.programmes import Programme

pytestmark = pytest.mark.django_db


def in_payment(household):
    return ledger.enrol(
        programme=Programme.DIBAO,
        household=household,
        monthly_amount=Decimal("500"),
        decided_on=date(2026, 1, 10),
    )


def visit(user, household, **data):
    data.setdefault("seen", "户主本人")
    with within(scope_for_user(user)):
        return visits.record_visit(
            user=user, client_id=data.pop("client_id", uuid.uuid4()), household=household, data=data
        )


def test_a_change_of_income_opens_the_review_once(minsheng, clerk_a, household):
    from cases.models import Case

    in_payment(household)
    client_id = uuid.uuid4()
    first = visit(
        minsheng, household, client_id=client_id, income_changed="1", monthly_income="2600", income_note="儿子外出务工"
    )
    again = visit(minsheng, household, client_id=client_id, income_changed="1")
    assert first.created and not again.created
    case = Case.objects.get(household=household, item__code="dibao_change")
    assert first.visit.started.startswith(f"已发起复核，受理编号{case.receipt_no}")
    assert Visit.objects.count() == 1
    assert first.visit.monthly_income == Decimal("2600.00")


def test_a_visit_to_a_household_not_in_payment_opens_no_review(minsheng, clerk_a, household):
    from cases.models import Case

    stored = visit(minsheng, household, income_changed="1")
    assert stored.visit.started == ""
    assert not Case.objects.filter(household=household).exists()


def test_a_household_edited_meanwhile_is_a_conflict_kept_and_shown(minsheng, household):
    stale = visits.household_stamp(household)
    household.address = "新地址"
    household.save()
    stored = visit(minsheng, household, base_stamp=stale, members_changed="次子迁出")
    assert "已在系统中被修改" in stored.visit.conflict
    household.refresh_from_db()
    assert household.address == "新地址"
    assert "请到户籍库更新" in stored.visit.started


def test_only_visiting_roles_record_visits(approver, household):
    with pytest.raises(DomainError, match="没有入户走访"):
        visit(approver, household)


def make_warning(household, minsheng):
    from monitoring.models import Warning
    from monitoring.services import raise_field_report

    raise_field_report(
        household=household,
        person=None,
        detail="邻居反映无人照料",
        on_date=timezone.localdate(),
        natural_key=f"t:{household.pk}",
    )
    warning = Warning.objects.get(household=household)
    assert warning.assigned_to == minsheng
    return warning


def test_a_visit_closes_its_warning(minsheng, household):
    from monitoring.models import Warning

    warning = make_warning(household, minsheng)
    stored = visit(minsheng, household, warning_id=str(warning.pk), warning_outcome="close", needs="无")
    warning.refresh_from_db()
    assert warning.stage == Warning.Stage.CLOSED
    assert warning.closure_reason.startswith("走访核实：见到户主本人")
    assert "预警已结案" in stored.visit.started


def test_a_visit_escalates_its_warning_to_the_township(minsheng, clerk_a, household):
    from monitoring.models import Risk, Warning

    warning = make_warning(household, minsheng)
    visit(minsheng, household, warning_id=str(warning.pk), warning_outcome="escalate", health="卧床")
    warning.refresh_from_db()
    assert (warning.stage, warning.risk, warning.assigned_unit) == (Warning.Stage.VISITED, Risk.HIGH, clerk_a.unit)


def test_a_township_assigns_a_warning_to_a_person_with_a_deadline(client, minsheng, reviewer_a, household):

    warning = make_warning(household, minsheng)
    client.force_login(reviewer_a)
    page = client.get(reverse("monitoring:warning_detail", args=[warning.pk])).content.decode()
    assert 'data-testid="assign-form"' in page and "赵民生" in page
    due = timezone.localdate() + timedelta(days=3)
    response = client.post(
        reverse("monitoring:warning_assign", args=[warning.pk]),
        {"worker": reviewer_a.pk, "due_on": due.isoformat()},
        follow=True,
    )
    assert "已分派给黄审核" in response.content.decode()
    warning.refresh_from_db()
    assert (warning.assigned_to, warning.due_on) == (reviewer_a, due)
    client.force_login(minsheng)  # a 民生员 visits, he does not assign
    page = client.get(reverse("monitoring:warning_detail", args=[warning.pk])).content.decode()
    assert 'data-testid="assign-form"' not in page
    assert (
        client.post(
            reverse("monitoring:warning_assign", args=[warning.pk]), {"worker": minsheng.pk, "due_on": due}
        ).status_code
        == 302
    )
    warning.refresh_from_db()
    assert warning.assigned_to == reviewer_a


def test_contacts_are_assigned_in_bulk_and_moved(minsheng, grid_worker, household):
    from registry.tests.factories import HouseholdFactory

    other = HouseholdFactory(area_code=household.area_code)
    result = visits.assign_contacts([household, other], minsheng, on_date=date(2026, 12, 1))
    assert result == {"moved": 0, "added": 2, "handover": []}
    result = visits.assign_contacts([household], grid_worker, on_date=date(2026, 12, 2))
    assert result == {"moved": 1, "added": 0, "handover": [(household.number, "赵民生")]}
    assert HouseholdContact.objects.get(household=household).worker == grid_worker


def test_visits_fall_due_by_the_plan_of_the_households_programme(minsheng, household):
    in_payment(household)
    visits.assign_contacts([household], minsheng, on_date=date(2026, 1, 1))
    (row,) = visits.due_visits(minsheng, date(2026, 12, 7))
    assert (row["every"], row["due"], row["overdue"]) == (90, date(2026, 4, 1), True)
    visit(minsheng, household)
    (row,) = visits.due_visits(minsheng, timezone.localdate())
    assert row["overdue"] is False


def test_the_phone_sync_stores_once_and_answers_each_case(client, grid_worker, household):
    client.force_login(grid_worker)
    item = {
        "kind": "event",
        "client_id": str(uuid.uuid4()),
        "fields": {"category": "hardship", "description": "房屋漏雨"},
        "photos": [],
    }
    url = reverse("grid:sync")
    assert client.post(url, json.dumps(item), content_type="application/json").status_code == 201
    assert client.post(url, json.dumps(item), content_type="application/json").status_code == 200
    bad = {**item, "client_id": str(uuid.uuid4()), "fields": {"category": "hardship"}}
    response = client.post(url, json.dumps(bad), content_type="application/json")
    assert response.status_code == 400 and response.json()["message"] == "请填写情况描述"
    assert client.post(url, "not json", content_type="application/json").status_code == 400


def test_a_warning_goes_to_the_households_contact_first(minsheng, village_a, household):
    from accounts.tests.factories import StaffFactory
    from monitoring.models import Warning
    from monitoring.services import raise_field_report

    other = StaffFactory(username="minsheng_b", full_name="钱民生", unit=village_a, roles=["livelihood_worker"])
    visits.assign_contacts([household], other, on_date=date(2026, 1, 1))
    raise_field_report(
        household=household, person=None, detail="主动发现", on_date=date(2026, 12, 7), natural_key="t:c"
    )
    warning = Warning.objects.get(household=household)
    assert warning.assigned_to == other  # not the village's first 民生员
    assert warning.events.filter(text__startswith="分派给包户联系人").exists()


def test_the_board_assigns_several_warnings_at_once(client, minsheng, reviewer_a, household):
    from monitoring.models import Warning
    from monitoring.services import raise_field_report
    from registry.tests.factories import HouseholdFactory

    other = HouseholdFactory(area_code=household.area_code)
    for h in (household, other):
        raise_field_report(
            household=h, person=None, detail="主动发现", on_date=date(2026, 12, 7), natural_key=f"b:{h.pk}"
        )
    client.force_login(reviewer_a)
    page = client.get(reverse("monitoring:board")).content.decode()
    assert 'data-testid="bulk-assign"' in page and "赵民生" in page
    ids = list(Warning.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("monitoring:warning_assign_bulk"),
        {"ids": ids, "worker": reviewer_a.pk, "due_on": "2026-12-20", "next": "/monitoring/?stage=assigned"},
    )
    assert response.url == "/monitoring/?stage=assigned"
    assert set(Warning.objects.values_list("assigned_to", "due_on")) == {(reviewer_a.pk, date(2026, 12, 20))}
    client.force_login(minsheng)
    assert 'data-testid="bulk-assign"' not in client.get(reverse("monitoring:board")).content.decode()


def test_the_townships_overdue_view_counts_each_worker_in_a_few_queries(
    minsheng, grid_worker, household, django_assert_max_num_queries
):
    from registry.tests.factories import HouseholdFactory

    in_payment(household)
    visits.assign_contacts([household], minsheng, on_date=date(2026, 1, 1))
    others = [HouseholdFactory(area_code=household.area_code) for _ in range(3)]
    visits.assign_contacts(others, grid_worker, on_date=date(2026, 12, 1))
    with django_assert_max_num_queries(6):
        rows = visits.overdue_by_worker([minsheng, grid_worker], date(2026, 12, 7))
    assert [(r["worker"], r["households"], r["overdue"]) for r in rows] == [(minsheng, 1, 1), (grid_worker, 3, 0)]
