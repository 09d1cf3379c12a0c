"""Registration of social organisations (社会组织登记管理): registration, changes with their history,
annual reports and their check, rating, deregistration; the overdue-report list.

Basis: 社会团体登记管理条例, 民办非企业单位登记管理暂行条例, 基金会管理条例 (registration, changes,
deregistration, annual inspection); 社会组织评估管理办法 (民政部令第39号: grades 1A–5A, valid 5 years);
慈善法 (charities). Deadlines and the validity are data (`AnnualReportDeadline`, `RatingValidity`).
"""

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from core.errors import DomainError
from core.months import add_months
from registry.models import Organisation
from society.errors import SocietyCode
from society.models import (
    AnnualReport,
    AnnualReportDeadline,
    OrganisationChange,
    OrganisationContact,
    OrganisationProfile,
    Rating,
    RatingValidity,
    ServiceArea,
)

# The kinds the bureau registers (登记管理机关): the others are providers and units other lines record.
REGISTERED_KINDS = (
    Organisation.Kind.SOCIAL_GROUP,
    Organisation.Kind.SOCIAL_SERVICE,
    Organisation.Kind.FOUNDATION,
    Organisation.Kind.CHARITY,
    Organisation.Kind.SOCIAL_WORK_STATION,
)
CHANGEABLE = {
    OrganisationChange.Field.NAME: "name",
    OrganisationChange.Field.REPRESENTATIVE: "legal_representative",
    OrganisationChange.Field.ADDRESS: "address",
}


def _active(organisation: Organisation) -> None:
    if organisation.status == Organisation.Status.DEREGISTERED:
        raise DomainError(SocietyCode.DEREGISTERED, f"{organisation.name}已注销，不能再办理")


@transaction.atomic
def register_organisation(
    *,
    user,
    kind: str,
    name: str,
    area_code: str,
    registered_on: date,
    credit_code: str = "",
    legal_representative: str = "",
    address: str = "",
    phone: str = "",
    contact_name: str = "",
    scope: str = "",
    supervisor: str = "",
    service_areas: list[str] | None = None,
) -> Organisation:
    """成立登记: the register's row, its profile, the areas it serves and the first history line."""
    if not name.strip():
        raise DomainError(SocietyCode.BAD_INPUT, "请填写机构名称")
    if kind not in Organisation.Kind.values:
        raise DomainError(SocietyCode.BAD_INPUT, "机构类别不正确")
    if credit_code and Organisation.unscoped.filter(credit_code=credit_code).exists():
        raise DomainError(SocietyCode.DUPLICATE, f"统一社会信用代码{credit_code}已登记")
    organisation = Organisation.objects.create(
        kind=kind,
        name=name.strip(),
        area_code=area_code,
        credit_code=credit_code,
        legal_representative=legal_representative,
        address=address,
        phone=phone,
        contact_name=contact_name,
        registered_on=registered_on,
    )
    OrganisationProfile.objects.create(
        organisation=organisation, area_code=area_code, scope=scope, supervisor=supervisor
    )
    if contact_name:
        OrganisationContact.objects.create(organisation=organisation, name=contact_name, duty="联系人", phone=phone)
    for code in service_areas or [area_code]:
        ServiceArea.objects.get_or_create(organisation=organisation, area_code=code)
    OrganisationChange.objects.create(
        organisation=organisation,
        field=OrganisationChange.Field.REGISTRATION,
        new_value=organisation.name,
        changed_on=registered_on,
        changed_by=user,
    )
    return organisation


def profile_of(organisation: Organisation) -> OrganisationProfile:
    profile, _ = OrganisationProfile.objects.get_or_create(
        organisation=organisation, defaults={"area_code": organisation.area_code}
    )
    return profile


@transaction.atomic
def change_registration(
    organisation: Organisation, *, user, field: str, new_value: str, changed_on: date, reason: str = ""
) -> OrganisationChange:
    """变更登记: name, legal representative, address or scope; the old value stays in the history."""
    _active(organisation)
    new_value = new_value.strip()
    if not new_value:
        raise DomainError(SocietyCode.BAD_INPUT, "请填写变更后的内容")
    if field == OrganisationChange.Field.SCOPE:
        profile = profile_of(organisation)
        old = profile.scope
        profile.scope = new_value
        profile.save()
    elif field in CHANGEABLE:
        attribute = CHANGEABLE[field]
        old = getattr(organisation, attribute)
        setattr(organisation, attribute, new_value)
        organisation.save()
    else:
        raise DomainError(SocietyCode.BAD_INPUT, "该事项不能办理变更登记")
    if old == new_value:
        raise DomainError(SocietyCode.BAD_INPUT, "变更后的内容与原登记相同")
    return OrganisationChange.objects.create(
        organisation=organisation,
        field=field,
        old_value=old,
        new_value=new_value,
        changed_on=changed_on,
        reason=reason,
        changed_by=user,
    )


def report_deadline(year: int) -> date:
    row = AnnualReportDeadline.objects.filter(year=year).first()
    if row is None:
        raise DomainError(SocietyCode.BAD_INPUT, f"尚未录入{year}年度报告的报送截止日期")
    return row.due_on


def submit_report(
    organisation: Organisation, *, year: int, submitted_on: date, summary: str, income, expense
) -> AnnualReport:
    """年度报告: one a year; a resubmission before the check replaces the figures."""
    _active(organisation)
    report, created = AnnualReport.objects.get_or_create(
        organisation=organisation,
        year=year,
        defaults={
            "area_code": organisation.area_code,
            "submitted_on": submitted_on,
            "summary": summary,
            "income": income,
            "expense": expense,
        },
    )
    if not created:
        if report.result != AnnualReport.Result.PENDING:
            raise DomainError(SocietyCode.WRONG_STATE, f"{year}年度报告已检查，不能再修改")
        report.submitted_on, report.summary, report.income, report.expense = submitted_on, summary, income, expense
        report.save()
    return report


def check_report(report: AnnualReport, *, user, result: str, opinion: str, checked_on: date) -> AnnualReport:
    """年报检查: 合格 / 基本合格 / 不合格; anything short of 合格 needs an opinion."""
    if result not in (AnnualReport.Result.QUALIFIED, AnnualReport.Result.BASIC, AnnualReport.Result.UNQUALIFIED):
        raise DomainError(SocietyCode.BAD_INPUT, "请选择检查结论")
    if result != AnnualReport.Result.QUALIFIED and not opinion.strip():
        raise DomainError(SocietyCode.BAD_INPUT, "基本合格或不合格的，请写明检查意见")
    report.result, report.opinion, report.checked_on, report.checked_by = result, opinion.strip(), checked_on, user
    report.save()
    return report


def overdue_reports(on_date: date, year: int | None = None):
    """The organisations the bureau registers whose report of `year` (default: last year) is past its
    deadline and not submitted: one query (NOT EXISTS), in the caller's scope."""
    year = year or on_date.year - 1
    row = AnnualReportDeadline.objects.filter(year=year).first()
    if row is None or row.due_on >= on_date:
        return Organisation.objects.none(), row
    submitted = AnnualReport.objects.filter(organisation=OuterRef("pk"), year=year)
    return (
        Organisation.objects.filter(kind__in=REGISTERED_KINDS, status=Organisation.Status.ACTIVE)
        .filter(Q(registered_on__isnull=True) | Q(registered_on__year__lte=year))
        .annotate(submitted=Exists(submitted))
        .filter(submitted=False)
        .order_by("area_code", "name")
    ), row


def rating_validity_years(on_date: date) -> int:
    row = RatingValidity.objects.filter(effective_from__lte=on_date).order_by("-effective_from").first()
    if row is None:
        raise DomainError(SocietyCode.BAD_INPUT, "尚未录入评估等级有效期")
    return row.years


def rate(organisation: Organisation, *, user, grade: int, rated_on: date, note: str = "") -> Rating:
    """等级评估: the grade stands for the validity in force on the day it is given."""
    _active(organisation)
    if grade not in Rating.Grade.values:
        raise DomainError(SocietyCode.BAD_INPUT, "评估等级应为1A至5A")
    valid_until = add_months(rated_on, 12 * rating_validity_years(rated_on))
    return Rating.objects.create(
        organisation=organisation,
        area_code=organisation.area_code,
        grade=grade,
        rated_on=rated_on,
        valid_until=valid_until,
        note=note,
        rated_by=user,
    )


def current_rating(organisation: Organisation, on_date: date) -> Rating | None:
    return (
        Rating.objects.filter(organisation=organisation, rated_on__lte=on_date, valid_until__gte=on_date)
        .order_by("-rated_on", "-id")
        .first()
    )


@transaction.atomic
def deregister(organisation: Organisation, *, user, on_date: date, reason: str) -> Organisation:
    """注销登记: the row stays (history, past help), its status becomes 已注销 and its resources close."""
    from society.models import Project, Resource

    _active(organisation)
    if not reason.strip():
        raise DomainError(SocietyCode.BAD_INPUT, "请填写注销原因")
    old = organisation.get_status_display()
    organisation.status = Organisation.Status.DEREGISTERED
    organisation.save()
    profile = profile_of(organisation)
    profile.deregistered_on, profile.deregistration_reason = on_date, reason.strip()
    profile.save()
    Resource.objects.filter(organisation=organisation).update(is_active=False)
    Project.objects.filter(organisation=organisation).update(is_active=False)
    OrganisationChange.objects.create(
        organisation=organisation,
        field=OrganisationChange.Field.STATUS,
        old_value=old,
        new_value=str(Organisation.Status.DEREGISTERED.label),
        changed_on=on_date,
        reason=reason.strip(),
        changed_by=user,
    )
    return organisation
