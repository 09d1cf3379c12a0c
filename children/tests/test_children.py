"""What a 儿童主任, a township and the county see and do: records, overdue visits on the home page,
mandatory reports with their deadline and escalation, masking and the audited reveal, the allowance."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from areas.jurisdiction import scope_for_user, within
from audit.models import AuditEntry
from children import services
from children.models import ChildRecord, MandatoryReport
from core.errors import DomainError

pytestmark = pytest.mark.django_db


def _record(director, household, *, risk="high", days_ago=30, category="poverty"):
    with within(scope_for_user(director)):
        return services.record_child(
            person=household.head,
            category=category,
            risk=risk,
            director=director,
            on_date=timezone.localdate() - timedelta(days=days_ago),
            user=director,
        )


def test_a_high_risk_child_not_visited_for_a_week_is_overdue_on_the_directors_home(client, director, child_household):
    child = _record(director, child_household, days_ago=10)
    assert child.next_visit_due == timezone.localdate() - timedelta(days=3)  # high risk: every 7 days
    client.force_login(director)
    page = client.get("/").content.decode()
    assert "我的困境儿童走访" in page
    assert "走访已超期" in page
    assert "刘小雨" not in page and "刘*雨" in page  # masked on the card


def test_a_visit_moves_the_next_one_by_the_new_risk_level(client, director, child_household):
    child = _record(director, child_household, days_ago=10)
    client.force_login(director)
    response = client.post(
        f"/children/{child.pk}/visit/",
        {"visited_on": timezone.localdate().isoformat(), "risk_after": "low", "saw_child": "1", "living": "正常"},
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.risk == "low"
    assert child.next_visit_due == timezone.localdate() + timedelta(days=30)
    assert child.visits.count() == 1


def test_a_visit_in_the_future_is_refused_in_chinese(client, director, child_household):
    child = _record(director, child_household)
    client.force_login(director)
    response = client.post(
        f"/children/{child.pk}/visit/",
        {"visited_on": (timezone.localdate() + timedelta(days=2)).isoformat(), "risk_after": "low"},
    )
    assert response.status_code == 400
    assert "走访日期不能晚于今天" in response.content.decode()


def test_an_adult_or_a_second_open_record_is_refused(director, child_household):
    from registry.tests.factories import PersonFactory

    _record(director, child_household)
    with pytest.raises(DomainError, match="已有在档记录"):
        _record(director, child_household)
    adult = PersonFactory(birth_date=date(1990, 1, 1))
    with within(scope_for_user(director)), pytest.raises(DomainError, match="已满18周岁"):
        services.record_child(
            person=adult, category="poverty", director=director, on_date=timezone.localdate(), user=director
        )


def test_the_township_list_shows_overdue_children_masked_and_exports(
    client, director, clerk_a, clerk_b, child_household
):
    _record(director, child_household, days_ago=10)
    client.force_login(clerk_a)
    page = client.get("/children/?state=overdue").content.decode()
    assert "走访已超期1人" in page and "刘*雨" in page and child_household.head.id_number not in page
    export = client.get("/children/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(clerk_b)  # another township sees nothing
    assert "刘*雨" not in client.get("/children/").content.decode()


def test_the_full_view_is_audit_logged(client, director, clerk_a, child_household):
    child = _record(director, child_household)
    client.force_login(clerk_a)
    assert child_household.head.id_number not in client.get(f"/children/{child.pk}/").content.decode()
    page = client.post(f"/children/{child.pk}/", {"reveal": "1"}).content.decode()
    assert child_household.head.id_number in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL_DATA).exists()


def test_a_mandatory_report_shows_at_the_township_with_its_deadline_and_escalates_when_missed(
    client, director, clerk_a, approver, child_household
):
    child = _record(director, child_household)
    client.force_login(director)
    discovered = timezone.localtime() - timedelta(hours=2)
    response = client.post(
        "/children/reports/new/",
        {
            "child": child.pk,
            "kind": "abuse",
            "discovered_at": discovered.strftime("%Y-%m-%dT%H:%M"),
            "place": "城西社区刘家",
            "description": "孩子手臂有多处淤青，自述被打",
        },
    )
    assert response.status_code == 302
    report = MandatoryReport.objects.get()
    assert timezone.localtime(report.due_at).strftime("%Y-%m-%d %H:%M") == (discovered + timedelta(hours=24)).strftime(
        "%Y-%m-%d %H:%M"
    )
    client.force_login(clerk_a)
    home = client.get("/").content.decode()
    assert "强制报告" in home and "限时报告中" in home
    page = client.get("/children/reports/").content.decode()
    assert "报告时限" in page and timezone.localtime(report.due_at).strftime("%Y-%m-%d %H:%M") in page
    # the deadline passes with nothing done: escalated, and the county sees it
    MandatoryReport.objects.filter(pk=report.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    assert services.escalate_overdue() == 1
    client.force_login(approver)
    assert "已超时" in client.get("/").content.decode()
    # police and township both done: complete
    client.force_login(clerk_a)
    client.post(
        f"/children/reports/{report.pk}/act/",
        {"act": "police", "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "unit": "酿溪派出所"},
    )
    client.post(f"/children/reports/{report.pk}/act/", {"act": "receive", "action": "已会同派出所核实并临时安置"})
    report.refresh_from_db()
    assert report.state(timezone.now()) == "late"


def test_a_report_with_a_discovery_in_the_future_is_refused(client, director):
    client.force_login(director)
    response = client.post(
        "/children/reports/new/",
        {
            "child_name": "某儿童",
            "kind": "abandonment",
            "discovered_at": (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "place": "车站",
            "description": "被遗弃",
        },
    )
    assert response.status_code == 400
    assert not MandatoryReport.objects.exists()


def test_the_allowance_is_paid_through_the_assistance_procedure(worker_a, clerk_a, approver, child_household):
    from assistance.procedure import apply_for_assistance, confirm_application, pass_step
    from cases.tests.factories import give_documents
    from ledger.models import Enrolment
    from payments.rolls import generate_roll

    give_documents(child_household, ["id_card", "household_booklet", "application_form", "school_enrolment"])
    day = date(2025, 9, 22)
    application = apply_for_assistance(
        user=worker_a,
        programme="child_difficulty",
        household=child_household,
        on_date=day,
        beneficiary=child_household.head,
    )
    pass_step(user=worker_a, application=application, on_date=day)
    pass_step(user=clerk_a, application=application, on_date=date(2025, 9, 24))
    confirm_application(user=approver, application=application, on_date=date(2025, 10, 9))
    enrolment = Enrolment.objects.get(programme="child_difficulty")
    assert enrolment.beneficiary == child_household.head
    assert enrolment.monthly_amount == Decimal("600.00")
    roll = generate_roll(programme="child_difficulty", month=date(2025, 11, 1), area_code="430522000000", user=clerk_a)
    assert roll.line_count == 1
    assert ChildRecord.objects.count() == 0  # the allowance does not need a record, the record shows it


def test_the_daily_job_escalates_every_missed_report_once(director, child_household):
    child = _record(director, child_household)
    with within(scope_for_user(director)):
        report = services.file_report(
            reporter=director,
            child=child,
            kind="neglect",
            discovered_at=timezone.now() - timedelta(hours=30),
            place="村口",
            description="无人照料",
        )
    assert report.state(timezone.now()) == "overdue"
    assert services.escalate_today(timezone.localdate()) == {"escalated": 1}
    assert services.escalate_today(timezone.localdate()) == {"escalated": 0}
    assert MandatoryReport.objects.get().escalated_at is not None


def test_a_file_is_closed_by_hand_with_a_reason_or_at_18_by_the_daily_job(client, director, child_household):
    from registry.tests.factories import HouseholdFactory

    child = _record(director, child_household)
    client.force_login(director)
    client.post(f"/children/{child.pk}/", {"close": "1", "reason": "父母返乡，监护恢复"})
    child.refresh_from_db()
    assert child.closed_on == timezone.localdate() and child.next_visit_due is None
    assert "已于" in client.get(f"/children/{child.pk}/").content.decode()
    today = timezone.localdate()
    teen = HouseholdFactory(head__name="张少年", head__birth_date=date(today.year - 18, 1, 1) - timedelta(days=1))
    with within(scope_for_user(director)):
        older = services.record_child(
            person=teen.head,
            category="left_behind",
            director=director,
            on_date=date(today.year - 1, 1, 1),
            user=director,
        )
    assert services.close_grown_up(today) == {"closed": 1}
    older.refresh_from_db()
    assert older.close_reason == "年满18周岁"


def test_the_adult_age_is_policy_data_a_file_closes_and_none_is_made_at_it(director):
    """The age a child's file ends at is child.adult_age (18 nationally), read for the child's area on
    the day: where it is recorded as 17 from a date, a 17-year-old's file closes that day with the
    age said, and no file is made for a 17-year-old after it."""
    from policy.models import PolicyParameter
    from policy.programmes import ParameterKey
    from registry.tests.factories import HouseholdFactory

    today = timezone.localdate()
    born = date(today.year - 17, 1, 1) - timedelta(days=1)  # 17 today
    teen = HouseholdFactory(head__name="赵十七", head__birth_date=born)
    with within(scope_for_user(director)):
        child = services.record_child(
            person=teen.head,
            category="left_behind",
            director=director,
            on_date=today - timedelta(days=2),
            user=director,
        )
    assert services.close_grown_up(today) == {"closed": 0}  # 17 is a child under the national 18
    PolicyParameter.objects.create(
        area_code="430522000000", key=ParameterKey.CHILD_ADULT_AGE, value=17, effective_from=today
    )
    assert services.close_grown_up(today - timedelta(days=1)) == {"closed": 0}  # not yet in force
    assert services.close_grown_up(today) == {"closed": 1}
    child.refresh_from_db()
    assert (child.closed_on, child.close_reason) == (today, "年满17周岁")
    with within(scope_for_user(director)), pytest.raises(DomainError, match="已满17周岁"):
        services.record_child(person=teen.head, category="left_behind", director=director, on_date=today, user=director)
