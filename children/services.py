"""What a 儿童主任, a township and the county do with children's records (docs/domain.md §4.8)."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from areas.codes import township_of
from areas.jurisdiction import current_scope
from audit.models import AuditEntry
from audit.services import record
from children import rules
from children.errors import ChildCode
from children.models import ChildRecord, ChildVisit, Guardian, MandatoryReport
from core.errors import DomainError
from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from registry.models import Person


def adult_age(area_code: str, on_date: date) -> int:
    """The age a child's file ends at (child.adult_age: 18 nationally, 未成年人保护法 第二条)."""
    return int(Policy.for_area(area_code, on_date).number(K.CHILD_ADULT_AGE))


def age_on(person: Person, on: date) -> int:
    b = person.birth_date
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


def _due(record_: ChildRecord) -> date:
    policy = Policy.for_area(record_.area_code, record_.last_visited_on or record_.recorded_on)
    return rules.next_visit_due(policy, record_.risk, record_.last_visited_on, record_.recorded_on)


@transaction.atomic
def record_child(
    *, person: Person, category: str, risk: str = "", director=None, on_date: date, user, carer="", school="", note=""
) -> ChildRecord:
    """建档: a minor of the caller's jurisdiction, one open record per child; the first visit is due by
    the risk level's interval from today."""
    if not current_scope().allows(person.area_code):
        raise DomainError(ChildCode.OUT_OF_AREA, "该儿童不在您的管辖范围")
    adult = adult_age(person.area_code, on_date)
    if age_on(person, on_date) >= adult:
        raise DomainError(ChildCode.NOT_A_CHILD, f"{person.name}已满{adult}周岁，不能建立儿童档案")
    if category not in rules.CATEGORY_LABELS:
        raise DomainError(ChildCode.BAD_INPUT, "请选择儿童类别")
    if ChildRecord.unscoped.filter(person=person, closed_on__isnull=True).exists():
        raise DomainError(ChildCode.ALREADY_RECORDED, f"{person.name}已有在档记录")
    risk = risk or rules.suggested_risk(category, [])
    child = ChildRecord(
        person=person,
        area_code=person.area_code,
        category=category,
        risk=risk,
        director=director,
        carer=carer,
        school=school,
        note=note,
        recorded_on=on_date,
        created_by=user,
    )
    child.next_visit_due = _due(child)
    child.save()
    record(AuditEntry.Action.CREATE, obj=child, changes={"category": [None, category], "risk": [None, risk]})
    return child


def add_guardian(child: ChildRecord, *, name: str, relation: str, situation: str, phone="", since=None) -> Guardian:
    if not name.strip():
        raise DomainError(ChildCode.BAD_INPUT, "请填写监护人姓名")
    return Guardian.objects.create(
        child=child,
        area_code=child.area_code,
        name=name.strip(),
        relation=relation,
        situation=situation,
        phone=phone,
        since=since,
    )


@transaction.atomic
def record_visit(
    child: ChildRecord,
    *,
    visitor,
    visited_on: date,
    risk_after: str,
    today: date | None = None,
    **facts,
) -> ChildVisit:
    """走访: the visit moves the next one by the (possibly new) risk level's interval."""
    today = today or timezone.localdate()
    if not child.is_open:
        raise DomainError(ChildCode.CLOSED, "该儿童档案已销档")
    if visited_on > today:
        raise DomainError(ChildCode.BAD_INPUT, "走访日期不能晚于今天")
    if visited_on < child.recorded_on:
        raise DomainError(ChildCode.BAD_INPUT, "走访日期不能早于建档日期")
    if risk_after not in rules.RISK_LABELS:
        raise DomainError(ChildCode.BAD_INPUT, "请选择走访后的风险等级")
    visit = ChildVisit.objects.create(
        child=child, area_code=child.area_code, visitor=visitor, visited_on=visited_on, risk_after=risk_after, **facts
    )
    last = max(filter(None, [child.last_visited_on, visited_on]))
    child.last_visited_on = last
    child.risk = risk_after
    child.next_visit_due = _due(child)
    ChildRecord.objects.filter(pk=child.pk).update(
        last_visited_on=last, risk=risk_after, next_visit_due=child.next_visit_due
    )
    return visit


def close_record(child: ChildRecord, *, on_date: date, reason: str, user) -> ChildRecord:
    """销档: the situation resolved, the child moved away or grew up; visits stop being due."""
    if not child.is_open:
        raise DomainError(ChildCode.CLOSED, "该儿童档案已销档")
    if not reason.strip():
        raise DomainError(ChildCode.BAD_INPUT, "请填写销档原因")
    ChildRecord.objects.filter(pk=child.pk, closed_on__isnull=True).update(
        closed_on=on_date, close_reason=reason.strip()[:100], next_visit_due=None
    )
    record(AuditEntry.Action.UPDATE, obj=child, changes={"closed_on": [None, str(on_date)]})
    child.refresh_from_db()
    return child


def born_by(on_date: date, age: int) -> date:
    """The latest birth date of someone `age` 周岁 or older on `on_date` (29 February: the 28th)."""
    if (on_date.month, on_date.day) == (2, 29):
        return date(on_date.year - age, 2, 28)
    return date(on_date.year - age, on_date.month, on_date.day)


def close_grown_up(on_date: date) -> dict:
    """A child who reaches the adult age (child.adult_age, 18 nationally) leaves the care of children's
    welfare: every such open file is closed with one UPDATE per county (each county's age in force,
    the birth date from the registry), every day."""
    from django.db.models.functions import Substr

    from areas.jurisdiction import system_scope

    closed = 0
    with system_scope():
        open_files = ChildRecord.objects.filter(closed_on__isnull=True)
        counties = open_files.annotate(county=Substr("area_code", 1, 6)).values_list("county", flat=True)
        for county in sorted(set(counties.order_by().distinct())):  # a few counties, not the files
            age = adult_age(county + "000000", on_date)
            closed += open_files.filter(
                area_code__startswith=county, person__birth_date__lte=born_by(on_date, age)
            ).update(closed_on=on_date, close_reason=f"年满{age}周岁", next_visit_due=None)
    return {"closed": closed}


def overdue_records(today: date):
    """Open records whose visit is overdue, in the caller's scope (one query)."""
    return ChildRecord.objects.filter(closed_on__isnull=True, next_visit_due__lt=today)


# ------------------------------------------------------------------ mandatory report


@transaction.atomic
def file_report(
    *,
    reporter,
    kind: str,
    discovered_at: datetime,
    place: str,
    description: str,
    child: ChildRecord | None = None,
    child_name: str = "",
    area_code: str = "",
    measures: str = "",
    police_reported_at: datetime | None = None,
    police_unit: str = "",
    police_receipt: str = "",
    now: datetime | None = None,
) -> MandatoryReport:
    """强制报告: filed with its deadline (`child.report_hours` after discovery); the township sees it at
    once; the report is complete when the police and the township both have it."""
    now = now or timezone.now()
    if kind not in MandatoryReport.Kind.values:
        raise DomainError(ChildCode.BAD_INPUT, "请选择报告情形")
    if discovered_at > now:
        raise DomainError(ChildCode.BAD_INPUT, "发现时间不能晚于现在")
    if not description.strip() or not place.strip():
        raise DomainError(ChildCode.BAD_INPUT, "请填写发现地点和情况描述")
    area = child.area_code if child else (area_code or getattr(reporter, "area_code", ""))
    if not area or not current_scope().allows(area):
        raise DomainError(ChildCode.OUT_OF_AREA, "不在您的管辖范围")
    name = child.person.name if child else child_name.strip()
    if not name:
        raise DomainError(ChildCode.BAD_INPUT, "请填写儿童姓名")
    policy = Policy.for_area(area, timezone.localdate(discovered_at))
    report = MandatoryReport.objects.create(
        child=child,
        child_name=name,
        area_code=area,
        kind=kind,
        discovered_at=discovered_at,
        place=place.strip(),
        description=description.strip(),
        measures=measures,
        reporter=reporter,
        due_at=rules.report_deadline(policy, discovered_at),
        police_reported_at=police_reported_at,
        police_unit=police_unit,
        police_receipt=police_receipt,
    )
    record(AuditEntry.Action.CREATE, obj=report, changes={"kind": [None, kind]})
    return report


def record_police(report: MandatoryReport, *, reported_at: datetime, unit: str, receipt: str = "", now=None):
    now = now or timezone.now()
    if not unit.strip():
        raise DomainError(ChildCode.BAD_INPUT, "请填写接报的公安机关")
    if reported_at > now or reported_at < report.discovered_at:
        raise DomainError(ChildCode.BAD_INPUT, "报警时间须在发现时间之后、现在之前")
    MandatoryReport.objects.filter(pk=report.pk).update(
        police_reported_at=reported_at, police_unit=unit.strip(), police_receipt=receipt.strip()
    )
    report.refresh_from_db()
    return report


def township_receive(report: MandatoryReport, *, user, action: str, now=None) -> MandatoryReport:
    """The township office (its clerk, reviewer or social worker) confirms receipt and its measures."""
    now = now or timezone.now()
    if report.township_received_at:
        raise DomainError(ChildCode.REPORT_DONE, "乡镇已接报")
    if not action.strip():
        raise DomainError(ChildCode.BAD_INPUT, "请填写处置意见")
    MandatoryReport.objects.filter(pk=report.pk, township_received_at__isnull=True).update(
        township_received_at=now, township_received_by=user, township_action=action.strip()
    )
    report.refresh_from_db()
    return report


def incomplete_reports():
    return MandatoryReport.objects.filter(police_reported_at__isnull=True) | MandatoryReport.objects.filter(
        township_received_at__isnull=True
    )


def escalate_overdue(now: datetime | None = None) -> int:
    """超时升级: every incomplete report past its deadline is marked for the county (one UPDATE)."""
    now = now or timezone.now()
    return incomplete_reports().filter(due_at__lt=now, escalated_at__isnull=True).update(escalated_at=now)


def escalate_today(on_date: date) -> dict:
    from areas.jurisdiction import system_scope

    with system_scope():
        return {"escalated": escalate_overdue()}


def township_code(area_code: str) -> str:
    return township_of(area_code)
