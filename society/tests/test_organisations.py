"""Registration, changes with their history, annual reports and their check, rating, deregistration."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from conftest import COUNTY
from core.errors import DomainError
from registry.models import Organisation
from society import organisations
from society.models import AnnualReport, AnnualReportDeadline, OrganisationChange, Resource
from society.tests.conftest import make_resource


@pytest.fixture
def registered(approver):
    return organisations.register_organisation(
        user=approver,
        kind=Organisation.Kind.SOCIAL_GROUP,
        name="新邵县书法家协会",
        area_code=COUNTY,
        registered_on=date(2020, 5, 1),
        credit_code="51430522MJ0000001A",
        legal_representative="李一",
        scope="书法交流",
    )


def test_a_change_keeps_the_old_registration_in_the_history(registered, approver):
    organisations.change_registration(
        registered,
        user=approver,
        field="legal_representative",
        new_value="王二",
        changed_on=date(2025, 2, 1),
        reason="换届",
    )
    organisations.change_registration(
        registered, user=approver, field="scope", new_value="书法交流、培训", changed_on=date(2025, 3, 1)
    )
    registered.refresh_from_db()
    assert registered.legal_representative == "王二"
    history = list(
        OrganisationChange.objects.filter(organisation=registered).values_list("field", "old_value", "new_value")
    )
    assert ("legal_representative", "李一", "王二") in history
    assert ("scope", "书法交流", "书法交流、培训") in history
    assert ("registration", "", "新邵县书法家协会") in history


def test_the_same_credit_code_is_registered_once(registered, approver):
    with pytest.raises(DomainError):
        organisations.register_organisation(
            user=approver,
            kind="social_group",
            name="重名协会",
            area_code=COUNTY,
            registered_on=date(2021, 1, 1),
            credit_code="51430522MJ0000001A",
        )


def test_a_report_short_of_qualified_needs_an_opinion(registered, approver):
    report = organisations.submit_report(
        registered, year=2024, submitted_on=date(2025, 4, 1), summary="", income=Decimal(0), expense=Decimal(0)
    )
    with pytest.raises(DomainError):
        organisations.check_report(report, user=approver, result="basic", opinion="", checked_on=date(2025, 6, 1))
    organisations.check_report(
        report, user=approver, result="unqualified", opinion="未按章程换届", checked_on=date(2025, 6, 1)
    )
    assert AnnualReport.objects.get(pk=report.pk).get_result_display() == "不合格"
    with pytest.raises(DomainError):
        organisations.submit_report(
            registered, year=2024, submitted_on=date(2025, 6, 2), summary="", income=0, expense=0
        )


def test_overdue_reports_are_those_past_the_years_deadline_and_not_submitted(registered, approver):
    other = organisations.register_organisation(
        user=approver, kind="foundation", name="新邵县教育基金会", area_code=COUNTY, registered_on=date(2018, 1, 1)
    )
    organisations.submit_report(other, year=2024, submitted_on=date(2025, 5, 1), summary="", income=0, expense=0)
    deadline = AnnualReportDeadline.objects.get(year=2024).due_on
    before, _ = organisations.overdue_reports(deadline, 2024)
    assert not before.exists()
    after, _ = organisations.overdue_reports(deadline + timedelta(days=1), 2024)
    assert [o.name for o in after] == ["新邵县书法家协会"]


def test_a_rating_stands_for_the_validity_in_force(registered, approver):
    rating = organisations.rate(registered, user=approver, grade=4, rated_on=date(2024, 11, 20))
    assert rating.valid_until == date(2029, 11, 20)
    assert organisations.current_rating(registered, date(2029, 11, 21)) is None


def test_deregistration_closes_the_offers_and_refuses_further_work(registered, approver):
    resource = make_resource(registered, COUNTY)
    organisations.deregister(registered, user=approver, on_date=date(2025, 7, 1), reason="自行解散")
    assert Organisation.objects.get(pk=registered.pk).status == Organisation.Status.DEREGISTERED
    assert not Resource.objects.get(pk=resource.pk).is_active
    with pytest.raises(DomainError):
        organisations.change_registration(
            registered, user=approver, field="name", new_value="新名", changed_on=date(2025, 8, 1)
        )
