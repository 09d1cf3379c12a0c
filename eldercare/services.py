"""养老服务 services: beds per thousand elderly, admission and discharge (特困 集中供养 follows the
stay), home-care orders by policy hours, service records with their checks, monthly settlement."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.roles import Capability
from areas.jurisdiction import current_scope
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from core.months import add_months, month_start, next_month_start
from eldercare.errors import ElderCode
from eldercare.models import (
    Beds,
    CareLevel,
    Carer,
    HomeCareItem,
    HomeCareOrder,
    InstitutionProfile,
    Residence,
    ServiceRecord,
    Settlement,
)
from ledger.hooks import one_off_spending
from ledger.models import Enrolment
from ledger.services import set_care_arrangement
from policy import rules
from policy.parameters import Policy
from policy.programmes import Programme
from registry.models import Household, Organisation, Person

# 每千名老年人养老床位数 counts residents aged 60 and over: the statistical indicator's own definition
# (老年人权益保障法 第二条: 老年人是指六十周岁以上的公民), not a local policy amount
ELDERLY_AGE = 60
OPEN_STATUSES = (Enrolment.Status.IN_PAYMENT, Enrolment.Status.GRADUAL_EXIT)


# ------------------------------------------------------------------ beds per 1,000 elderly


@dataclass
class BedsRow:
    code: str
    beds: int
    occupied: int
    elderly: int

    @property
    def per_thousand(self) -> Decimal | None:
        if not self.elderly:
            return None
        return (Decimal(self.beds) * 1000 / self.elderly).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def occupancy(self) -> Decimal | None:
        if not self.beds:
            return None
        return (Decimal(self.occupied) * 100 / self.beds).quantize(Decimal("0.1"), ROUND_HALF_UP)


BEDS_SQL = """
SELECT substr(b.area_code, 1, 9), SUM(b.count) FROM eldercare_beds b
JOIN eldercare_institutionprofile i ON i.id = b.institution_id
JOIN registry_organisation o ON o.id = i.organisation_id
WHERE b.area_code LIKE %(prefix)s AND o.status = 'active'
GROUP BY substr(b.area_code, 1, 9)
"""
OCCUPIED_SQL = """
SELECT substr(area_code, 1, 9), COUNT(*) FROM eldercare_residence
WHERE area_code LIKE %(prefix)s AND discharged_on IS NULL GROUP BY substr(area_code, 1, 9)
"""
ELDERLY_SQL = """
SELECT substr(area_code, 1, 9), COUNT(*) FROM registry_person
WHERE area_code LIKE %(prefix)s AND life_status = 'alive' AND birth_date <= %(born_by)s
GROUP BY substr(area_code, 1, 9)
"""


def beds_per_thousand(prefix: str, on_date: date) -> tuple[list[BedsRow], BedsRow]:
    """Beds per 1,000 residents aged 60+ by township (the institution's area and the residents'
    own area of residence, from the registry), and the total of the area: three grouped scans."""
    params = {"prefix": prefix + "%", "born_by": add_months(on_date, -12 * ELDERLY_AGE)}
    figures: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        for name, sql in (("beds", BEDS_SQL), ("occupied", OCCUPIED_SQL), ("elderly", ELDERLY_SQL)):
            cursor.execute(sql, params)
            for code, count in cursor.fetchall():
                figures.setdefault(code, {"beds": 0, "occupied": 0, "elderly": 0})[name] = int(count or 0)
    rows = [BedsRow(code, **values) for code, values in sorted(figures.items())]
    total = BedsRow(
        prefix,
        sum(r.beds for r in rows),
        sum(r.occupied for r in rows),
        sum(r.elderly for r in rows),
    )
    return rows, total


# ------------------------------------------------------------------ institutions


def institutions():
    return InstitutionProfile.objects.select_related("organisation").filter(
        organisation__kind=Organisation.Kind.ELDERLY_INSTITUTION
    )


def providers():
    return InstitutionProfile.objects.select_related("organisation").filter(
        organisation__kind=Organisation.Kind.CARE_PROVIDER
    )


def set_beds(institution: InstitutionProfile, counts: dict[str, int]) -> None:
    for level, count in counts.items():
        if level not in CareLevel.values or count < 0:
            raise DomainError(ElderCode.BAD_INPUT, "床位数须为0或正整数")
        Beds.objects.update_or_create(
            institution=institution, care_level=level, defaults={"count": count, "area_code": institution.area_code}
        )


def free_beds(institution: InstitutionProfile) -> dict[str, int]:
    beds = dict(Beds.objects.filter(institution=institution).values_list("care_level", "count"))
    used = dict(
        Residence.objects.filter(institution=institution, discharged_on__isnull=True)
        .values("care_level")
        .annotate(n=Count("id"))
        .values_list("care_level", "n")
    )
    return {level: beds.get(level, 0) - used.get(level, 0) for level in CareLevel.values}


def _open_tekun(person: Person) -> Enrolment | None:
    return Enrolment.unscoped.filter(programme=Programme.TEKUN, beneficiary=person, status__in=OPEN_STATUSES).first()


@transaction.atomic
def admit(*, institution: InstitutionProfile, person: Person, care_level: str, on_date: date, user) -> Residence:
    """入住: a free bed of the level; one stay at a time; a 特困 person's enrolment becomes 集中供养."""
    if care_level not in CareLevel.values:
        raise DomainError(ElderCode.BAD_INPUT, "请选择护理等级")
    if not person.is_alive:
        raise DomainError(ElderCode.BAD_INPUT, f"{person.name}已登记死亡或迁出")
    InstitutionProfile.objects.select_for_update().filter(pk=institution.pk).first()
    if free_beds(institution).get(care_level, 0) <= 0:
        raise DomainError(ElderCode.NO_BED, f"{institution}没有空余的{CareLevel(care_level).label}床位")
    if Residence.unscoped.filter(person=person, discharged_on__isnull=True).exists():
        raise DomainError(ElderCode.ALREADY_RESIDENT, f"{person.name}已在养老机构入住，请先办理离院")
    tekun = _open_tekun(person)
    residence = Residence.objects.create(
        institution=institution,
        person=person,
        care_level=care_level,
        admitted_on=on_date,
        tekun_enrolment=tekun,
        recorded_by=user,
        area_code=institution.area_code,
    )
    if tekun is not None:
        set_care_arrangement(
            tekun,
            arrangement=Enrolment.CareArrangement.CENTRALISED,
            decided_on=on_date,
            reason=f"入住{institution}，转为集中供养",
            user=user,
        )
    return residence


@transaction.atomic
def discharge(residence: Residence, *, on_date: date, reason: str, user) -> Residence:
    """离院: the stay ends; a living 特困 person returns to 分散供养."""
    if residence.discharged_on:
        raise DomainError(ElderCode.NOT_RESIDENT, "该老人已离院")
    if not (reason or "").strip():
        raise DomainError(ElderCode.BAD_INPUT, "请填写离院原因")
    if on_date < residence.admitted_on:
        raise DomainError(ElderCode.BAD_INPUT, "离院日期不能早于入住日期")
    residence.discharged_on, residence.discharge_reason = on_date, reason.strip()[:100]
    residence.save(update_fields=["discharged_on", "discharge_reason"])
    tekun = residence.tekun_enrolment
    if tekun is not None and tekun.is_open and residence.person.is_alive:
        set_care_arrangement(
            tekun,
            arrangement=Enrolment.CareArrangement.DISPERSED,
            decided_on=on_date,
            reason="离院，转为分散供养",
            user=user,
        )
    return residence


# ------------------------------------------------------------------ home care


def home_care_classes(person: Person) -> set[str]:
    """The classes of home_care_hours a person is in, from their open enrolments."""
    household_ids = person.memberships.filter(end_date__isnull=True).values("household_id")
    open_ = Enrolment.unscoped.filter(status__in=OPEN_STATUSES).filter(
        Q(beneficiary=person) | Q(beneficiary__isnull=True, household_id__in=household_ids)
    )
    return {p for p in open_.values_list("programme", flat=True)} & {
        Programme.TEKUN,
        Programme.DIBAO,
        Programme.ELDERLY_ALLOWANCE,
    }


def hours_for(person: Person, on_date: date) -> tuple[int, str]:
    """Hours a month of purchased home care and why (policy.rules.home_care_hours)."""
    classes = home_care_classes(person)
    policy = Policy.for_area(person.area_code, on_date)
    hours = rules.home_care_hours(policy, {str(c) for c in classes})
    names = "、".join(str(Programme(c).label) for c in sorted(classes)) or "无"
    return hours, f"享受：{names}；每月{hours}小时"


@transaction.atomic
def create_order(
    *, person: Person, provider: InstitutionProfile, items: list[HomeCareItem], on_date: date, user
) -> HomeCareOrder:
    """派单: hours from the policy for the person's classes; service from next month... or this one
    (a order made on the 1st serves the whole month); one active order per person."""
    hours, basis = hours_for(person, on_date)
    if hours <= 0:
        raise DomainError(ElderCode.NOT_ELIGIBLE, f"{person.name}不在政府购买居家养老服务对象范围（特困、低保、高龄）")
    if not items:
        raise DomainError(ElderCode.BAD_INPUT, "请选择至少一个服务项目")
    if any(item.provider_id != provider.pk for item in items):
        raise DomainError(ElderCode.BAD_INPUT, "服务项目须属于所选服务组织")
    if HomeCareOrder.objects.filter(person=person, status=HomeCareOrder.Status.ACTIVE).exists():
        raise DomainError(ElderCode.ORDER_EXISTS, f"{person.name}已有服务中的工单")
    membership = person.current_membership()
    if membership is None:
        raise DomainError(ElderCode.BAD_INPUT, f"{person.name}没有在册家庭户")
    order = HomeCareOrder.objects.create(
        person=person,
        household=membership.household,
        provider=provider,
        hours_per_month=hours,
        basis=basis,
        start_month=month_start(on_date),
        created_by=user,
        area_code=person.area_code,
    )
    order.items.set(items)
    return order


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else timezone.make_aware(moment)


def carer_of(user) -> Carer | None:
    return Carer.unscoped.filter(user=user).select_related("provider__organisation").first()


def orders_for_carer(carer: Carer):
    return HomeCareOrder.unscoped.filter(provider=carer.provider, status=HomeCareOrder.Status.ACTIVE).select_related(
        "person"
    )


def _outside_order(order: HomeCareOrder, item: HomeCareItem, month: date, minutes: int, exclude=None) -> str:
    if (
        order.status != HomeCareOrder.Status.ACTIVE
        or month < order.start_month
        or (order.end_month and month >= order.end_month)
    ):
        return "工单不在服务期内"
    if not order.items.filter(pk=item.pk).exists():
        return f"“{item.name}”不在工单的服务项目内"
    used = (
        ServiceRecord.unscoped.filter(order=order, month=month).exclude(pk=exclude).aggregate(m=Sum("minutes"))["m"]
        or 0
    )
    if used + minutes > order.hours_per_month * 60:
        return f"本月服务时长超过工单的{order.hours_per_month}小时"
    return ""


@transaction.atomic
def record_service(
    *,
    carer: Carer,
    order: HomeCareOrder,
    item: HomeCareItem,
    started_at: datetime,
    ended_at: datetime,
    confirm_code: str,
) -> tuple[ServiceRecord, str]:
    """签到: the carer records a visit on the spot (check-in time is now); the elderly person confirms
    with the last 4 digits of their ID number. A visit outside the order, or at the same time as
    another visit of the same carer, is kept and flagged (both visits), never settled."""
    started_at, ended_at = _local(started_at), _local(ended_at)
    if ended_at <= started_at:
        raise DomainError(ElderCode.BAD_INPUT, "结束时间须晚于开始时间")
    if ended_at > timezone.now() + timedelta(minutes=5):
        raise DomainError(ElderCode.BAD_INPUT, "不能登记尚未结束的服务")
    if order.provider_id != carer.provider_id:
        raise DomainError(ElderCode.FORBIDDEN, "该工单不属于您所在的服务组织")
    minutes = int((ended_at - started_at).total_seconds() // 60)
    if minutes > 12 * 60:
        raise DomainError(ElderCode.BAD_INPUT, "一次服务不能超过12小时")
    month = month_start(started_at.date())
    confirmed = bool(confirm_code) and confirm_code.strip() == order.person.id_number[-4:]
    why = _outside_order(order, item, month, minutes)
    overlapping = ServiceRecord.unscoped.filter(carer=carer, started_at__lt=ended_at, ended_at__gt=started_at)
    flag = ServiceRecord.Flag.OUTSIDE_ORDER if why else ""
    if overlapping.exists():
        flag = ServiceRecord.Flag.OVERLAP
        why = "同一时间该护理员还有另一条服务记录"
        overlapping.filter(settlement__isnull=True).update(flag=ServiceRecord.Flag.OVERLAP)
    if not flag and not confirmed:
        flag, why = ServiceRecord.Flag.UNCONFIRMED, "老人未确认（身份证号后四位不符或未填写）"
    service = ServiceRecord.objects.create(
        order=order,
        item=item,
        carer=carer,
        started_at=started_at,
        ended_at=ended_at,
        confirmed=confirmed,
        confirmed_at=timezone.now() if confirmed else None,
        flag=flag,
        month=month,
        minutes=minutes,
        area_code=order.area_code,
    )
    return service, why


# ------------------------------------------------------------------ settlement

# two visits of one carer at the same time, of the month's records (set-based; both are flagged)
OVERLAP_SQL = """
UPDATE eldercare_servicerecord SET flag = 'overlap'
WHERE month = %(month)s AND settlement_id IS NULL AND flag <> 'overlap' AND id IN (
  SELECT a.id FROM eldercare_servicerecord a JOIN eldercare_servicerecord b
   ON b.carer_id = a.carer_id AND b.id <> a.id AND b.started_at < a.ended_at AND b.ended_at > a.started_at
  JOIN eldercare_homecareorder o ON o.id = a.order_id
  WHERE a.month = %(month)s AND o.provider_id = %(provider)s)
"""

SETTLE_SQL = """
UPDATE eldercare_servicerecord SET settlement_id = %(settlement)s
WHERE month = %(month)s AND settlement_id IS NULL AND flag = '' AND confirmed = %(true)s
 AND order_id IN (SELECT id FROM eldercare_homecareorder WHERE provider_id = %(provider)s)
"""


def can_prepare(user) -> bool:
    return user.can(Capability.HANDLE_FUNDS)


@transaction.atomic
def generate_settlement(*, provider: InstitutionProfile, month: date, user) -> Settlement:
    """生成结算单 for a provider and month: the checks again over the month's records (set-based),
    then every confirmed, unflagged record not settled before, at its item's price per hour."""
    month = month_start(month)
    if not can_prepare(user):
        raise DomainError(ElderCode.FORBIDDEN, "无权生成结算单")
    if month >= next_month_start(timezone.localdate()):
        raise DomainError(ElderCode.BAD_INPUT, "只能结算本月及以前的服务")
    settlement, _created = Settlement.objects.select_for_update().get_or_create(
        provider=provider, month=month, defaults={"area_code": provider.area_code}
    )
    if settlement.status == Settlement.Status.APPROVED:
        raise DomainError(ElderCode.FROZEN, "该月结算单已审批，不能重新生成")
    params = {"month": month, "provider": provider.pk, "settlement": settlement.pk, "true": True}
    with connection.cursor() as cursor:
        ServiceRecord.unscoped.filter(settlement=settlement).update(settlement=None)
        cursor.execute(OVERLAP_SQL, params)
        cursor.execute(SETTLE_SQL, params)
    settled = ServiceRecord.unscoped.filter(settlement=settlement).select_related("item")
    amount = sum(
        ((Decimal(r.minutes) * r.item.hourly_price / 60).quantize(Decimal("0.01"), ROUND_HALF_UP) for r in settled),
        Decimal("0"),
    )
    settlement.record_count = settled.count()
    settlement.minutes = settled.aggregate(m=Sum("minutes"))["m"] or 0
    settlement.amount_fen = int(amount * 100)
    settlement.flagged_count = ServiceRecord.unscoped.filter(
        month=month, order__provider=provider, settlement__isnull=True
    ).count()
    settlement.status = Settlement.Status.GENERATED
    settlement.generated_by, settlement.generated_at = user, timezone.now()
    settlement.save()
    record(AuditEntry.Action.UPDATE, obj=settlement, changes={"generated": settlement.amount_fen})
    return settlement


@transaction.atomic
def approve_settlement(settlement: Settlement, *, user) -> tuple[Settlement, str]:
    """审批 by another person than the maker; the amount leaves the HOME_CARE fund account of the
    area (ledger.hooks.one_off_spending → payments' fund ledger) once."""
    if not user.can(Capability.APPROVE):
        raise DomainError(ElderCode.FORBIDDEN, "无审批权限")
    if settlement.status != Settlement.Status.GENERATED:
        raise DomainError(ElderCode.FROZEN, "只有待审批的结算单可以审批")
    if settlement.generated_by_id == user.pk:
        raise DomainError(ElderCode.MAKER_CHECKER, "结算单生成人不能审批自己生成的结算单")
    moved = Settlement.objects.filter(pk=settlement.pk, status=Settlement.Status.GENERATED).update(
        status=Settlement.Status.APPROVED, approved_by=user, approved_at=timezone.now()
    )
    if moved != 1:
        raise DomainError(ElderCode.FROZEN, "结算单刚被其他人处理，请刷新后重试")
    settlement.refresh_from_db()
    said = ""
    if settlement.amount_fen:
        said = "；".join(
            one_off_spending(
                programme=Programme.HOME_CARE,
                area_code=settlement.area_code,
                amount=settlement.amount,
                on_date=timezone.localdate(),
                document_reference=f"居家养老结算{settlement.month:%Y%m}-{settlement.provider_id}",
                idempotency_key=f"homecare:settlement:{settlement.pk}",
                note=f"{settlement.provider}{settlement.month:%Y年%m月}居家养老服务费",
                user=user,
            )
        )
    record(AuditEntry.Action.UPDATE, obj=settlement, changes={"status": ["generated", "approved"]})
    return settlement, said


def person_in_scope(pk) -> Person | None:
    try:
        return Person.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def household_in_scope(pk) -> Household | None:
    try:
        return Household.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def in_scope(code: str) -> bool:
    return current_scope().allows(code)
