"""Cases about a person, a couple, an organisation or an event (cases.subjects): no household, the
same steps and timeline, the subject shown everywhere, jurisdiction by the subject's area when the
window covers it, else the window's."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from accounts.tests.factories import StaffFactory
from areas.jurisdiction import scope_for_area, within
from cases.actions import withdraw_case
from cases.models import Case, CaseEvent
from cases.subjects import CaseSubject, accept_for_subject
from cases.tests.factories import item
from core.errors import DomainError
from registry.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

DAY = date(2025, 9, 26)


@pytest.fixture
def registrar(county_bureau):
    return StaffFactory(username="registrar", full_name="陈登记", unit=county_bureau, roles=["registrar"])


def test_a_couple_case_at_the_county_window(registrar):
    first = PersonFactory(name="张三", area_code="430522100201")
    second = PersonFactory(name="李四", sex="F", area_code="430522101000")
    case = accept_for_subject(
        user=registrar, item=item("marriage"), subject=CaseSubject.of_couple(first, second), on_date=DAY
    ).case
    assert case.household_id is None and case.subject_kind == Case.SubjectKind.COUPLE
    assert case.area_code == "430522000000"  # two villages: the window's area
    assert case.subject_title == "张三、李四（结婚登记）"
    assert case.current_step.responsible_unit == registrar.unit
    assert "张三、李四（结婚登记）" in case.events.get(kind=CaseEvent.Kind.ACCEPTED).text


def test_a_person_case_is_owned_by_the_person_area_when_the_window_covers_it(registrar):
    person = PersonFactory(name="王五", area_code="430522100201")
    case = accept_for_subject(
        user=registrar,
        item=item("marriage_certificate_reissue"),
        subject=CaseSubject.of_person(person),
        on_date=DAY,
    ).case
    assert case.area_code == "430522100201"
    with within(scope_for_area("430522100201")):
        assert Case.objects.filter(pk=case.pk).exists()  # the village sees its resident's case
    with within(scope_for_area("430522101000")):
        assert not Case.objects.filter(pk=case.pk).exists()


def test_organisation_and_event_subjects_and_withdrawal(registrar):
    organisation = OrganisationFactory(name="新邵县殡仪馆", area_code="430522000000")
    case = accept_for_subject(
        user=registrar, item=item("marriage"), subject=CaseSubject.of_organisation(organisation), on_date=DAY
    ).case
    assert case.subject_name == "新邵县殡仪馆"
    event = accept_for_subject(
        user=registrar, item=item("marriage"), subject=CaseSubject.of_event("酿溪镇发现无名男子"), on_date=DAY
    ).case
    assert event.subject_title == "酿溪镇发现无名男子（结婚登记）"
    withdraw_case(user=None, case=event, on_date=DAY, reason="法定期限届满", deemed=True)
    event.refresh_from_db()
    assert event.status == Case.Status.WITHDRAWN and event.status in Case.FINISHED
    assert event.events.get(kind=CaseEvent.Kind.WITHDRAWN).actor_name == "系统"


def test_an_incomplete_subject_is_refused(registrar):
    with pytest.raises(DomainError):
        accept_for_subject(user=registrar, item=item("marriage"), subject=CaseSubject.of_event("  "), on_date=DAY)


def test_the_database_refuses_a_household_case_without_household(registrar):
    person = PersonFactory()
    case = accept_for_subject(
        user=registrar, item=item("marriage"), subject=CaseSubject.of_person(person), on_date=DAY
    ).case
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(subject_kind=Case.SubjectKind.HOUSEHOLD)


def test_api_and_queue_show_the_subject(client, registrar):
    first, second = PersonFactory(name="张三"), PersonFactory(name="李四", sex="F")
    case = accept_for_subject(
        user=registrar, item=item("marriage"), subject=CaseSubject.of_couple(first, second), on_date=DAY
    ).case
    client.force_login(registrar)
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert (
        body["subject"] == "张三、李四（结婚登记）"
        and body["subject_kind"] == "couple"
        and body["household_id"] is None
    )
    assert "张三、李四" in client.get("/cases/queue/todo/").content.decode()
    assert "张三、李四" in client.get(f"/cases/{case.pk}/").content.decode()
