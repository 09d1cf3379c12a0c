"""The three lists (需求、资源、项目三张清单): needs recorded with consent, proposals of resources and
projects that fit, referral (转介), acceptance and report by the organisation, the resident's
confirmation; and the check that a charity help does not pay twice for what public aid pays.

Matching (`proposals`) is one query per list over every active resource or project of the county:
the score is a sum the worker can read —
- area: the offer applies to the need's village (+40), its township (+30) or the whole county (+20);
  an offer for another area is not proposed;
- kind: the offer is for this kind of need (+40); money for any need (+20);
- size: the remaining quantity (or free capacity) covers the need (+20), or the share it covers.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Least, Length
from django.utils import timezone

from core.errors import DomainError
from core.months import month_start
from registry.models import Organisation
from society.errors import SocietyCode
from society.models import Need, NeedCoverage, OrganisationStaff, Project, Referral, Resource

AREA_POINTS = {12: 40, 9: 30, 6: 20}  # offer's area prefix length → points (village, township, county)
KIND_POINTS, MONEY_POINTS, SIZE_POINTS = 40, 20, 20
AREA_WORDS = {12: "同村（社区）", 9: "同乡镇", 6: "全县"}


def _area_prefixes(code: str) -> list[str]:
    return [code[:6], code[:9], code[:12]]


def area_prefix(code: str) -> str:
    """The prefix an offer registered for `code` applies to (areas.codes.prefix_of)."""
    from areas.codes import prefix_of

    return prefix_of(code)


# ------------------------------------------------------------------ needs


@transaction.atomic
def record_need(
    *,
    user,
    household,
    kind: str,
    description: str,
    quantity: Decimal,
    unit: str,
    source: str,
    consent_on: date | None,
    consent_note: str,
    person=None,
    warning=None,
    visit=None,
    case=None,
) -> Need:
    """A worker records a need; without the resident's recorded consent nothing is shared with an
    organisation, so nothing is recorded (个人信息保护法: consent to share with a third party)."""
    if consent_on is None or not consent_note.strip():
        raise DomainError(SocietyCode.NO_CONSENT, "请记录居民同意向社会组织提供信息的日期和方式")
    if not description.strip():
        raise DomainError(SocietyCode.BAD_INPUT, "请填写需求说明")
    if quantity is None or quantity < 0:
        raise DomainError(SocietyCode.BAD_INPUT, "需求数量不能为负数")
    if warning is not None and warning.household_id != household.pk:
        raise DomainError(SocietyCode.BAD_INPUT, "预警与家庭不一致")
    return Need.objects.create(
        household=household,
        person=person,
        area_code=household.area_code,
        kind=kind,
        description=description.strip(),
        quantity=quantity,
        unit=unit or "元",
        source=source,
        warning=warning,
        visit=visit,
        case=case,
        consent_on=consent_on,
        consent_note=consent_note.strip(),
        created_by=user,
    )


@dataclass(frozen=True)
class Proposal:
    organisation: Organisation
    offer: Resource | Project
    is_project: bool
    score: int
    reasons: list[str]


def _area_score(prefix_len_field="area_prefix"):
    return Case(
        *[When(**{f"{prefix_len_field}_len": length}, then=Value(points)) for length, points in AREA_POINTS.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def proposals(need: Need, limit: int = 10) -> list[Proposal]:
    """Resources and projects that fit the need, best first, each with the reasons of its score."""
    today = timezone.localdate()
    prefixes = _area_prefixes(need.area_code)
    quantity = need.quantity or Decimal(0)
    resources = (
        Resource.unscoped.filter(is_active=True, remaining__gt=0, area_prefix__in=prefixes)
        .filter(Q(kind=need.kind) | Q(form=Resource.Form.FUNDS))
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=today))
        .filter(organisation__status=Organisation.Status.ACTIVE)
        .annotate(area_prefix_len=Length("area_prefix"))
        .annotate(
            area_points=_area_score(),
            kind_points=Case(When(kind=need.kind, then=Value(KIND_POINTS)), default=Value(MONEY_POINTS)),
            size_points=Case(
                When(remaining__gte=quantity, then=Value(Decimal(SIZE_POINTS))),
                default=ExpressionWrapper(
                    Least(F("remaining"), Value(quantity)) * SIZE_POINTS / Value(quantity or Decimal(1)),
                    output_field=DecimalField(max_digits=12, decimal_places=2),
                ),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
        )
        .select_related("organisation")
    )
    busy = Count("referral_rows", filter=Q(referral_rows__state__in=[Referral.State.REFERRED, Referral.State.ACCEPTED]))
    projects = (
        Project.unscoped.filter(is_active=True, kind=need.kind, area_prefix__in=prefixes, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(organisation__status=Organisation.Status.ACTIVE)
        .annotate(area_prefix_len=Length("area_prefix"), in_service=busy)
        .annotate(area_points=_area_score())
        .select_related("organisation")
    )
    found: list[Proposal] = []
    for r in resources:
        size = int(r.size_points.quantize(Decimal(1)))
        reasons = [
            f"地域+{r.area_points}（{AREA_WORDS[r.area_prefix_len]}）",
            f"类别+{r.kind_points}（{'对口' if r.kind == need.kind else '资金可通用'}）",
            f"数量+{size}（余{r.remaining.normalize():f}{r.unit}，需{quantity.normalize():f}{need.unit}）",
        ]
        found.append(Proposal(r.organisation, r, False, r.area_points + r.kind_points + size, reasons))
    for p in projects:
        free = p.capacity - p.in_service
        if free <= 0:
            continue
        reasons = [
            f"地域+{p.area_points}（{AREA_WORDS[p.area_prefix_len]}）",
            f"类别+{KIND_POINTS}（对口项目）",
            f"容量+{SIZE_POINTS}（尚可接收{free}户）",
        ]
        found.append(Proposal(p.organisation, p, True, p.area_points + KIND_POINTS + SIZE_POINTS, reasons))
    found.sort(key=lambda proposal: (-proposal.score, proposal.organisation.name))
    return found[:limit]


# ------------------------------------------------------------------ double payment


def public_aid_overlap(need: Need, on_date: date | None = None) -> list[str]:
    """Public payments of the household in the month that already meet this kind of need (by
    `NeedCoverage`): each as a sentence for the worker, none when nothing overlaps."""
    from payments.models import RollLine

    month = month_start(on_date or timezone.localdate())
    programmes = list(NeedCoverage.objects.filter(kind=need.kind).values_list("programme", flat=True))
    if not programmes:
        return []
    lines = (
        RollLine.objects.filter(
            household_id=need.household_id,
            pay_month=month,
            roll__programme__in=programmes,
            status__in=[RollLine.Status.PAID, RollLine.Status.PENDING],
        )
        .values_list("roll__programme", "amount_fen")
        .order_by("roll__programme")
    )
    from policy.programmes import Programme

    return [
        f"该户{month:%Y年%m月}已领取{Programme(programme).label}{Decimal(fen) / 100:.2f}元，"
        f"与本次“{need.get_kind_display()}”需求可能重复，请核实后再转介"
        for programme, fen in lines
    ]


# ------------------------------------------------------------------ referral


def _staff_organisation(user) -> Organisation:
    link = OrganisationStaff.objects.filter(user=user).select_related("organisation").first()
    if link is None:
        raise DomainError(SocietyCode.NOT_STAFF, "您的账号未关联服务机构，请联系民政局")
    return link.organisation


@transaction.atomic
def refer(need: Need, *, user, organisation: Organisation, resource=None, project=None, score=0, note="") -> Referral:
    """转介: the need goes to one organisation at a time."""
    if need.status not in (Need.Status.OPEN,):
        raise DomainError(SocietyCode.WRONG_STATE, f"需求{need.get_status_display()}，不能再转介")
    if organisation.status != Organisation.Status.ACTIVE:
        raise DomainError(SocietyCode.DEREGISTERED, f"{organisation.name}不是正常状态，不能转介")
    if not Need.objects.filter(pk=need.pk, status=Need.Status.OPEN).update(status=Need.Status.REFERRED):
        raise DomainError(SocietyCode.WRONG_STATE, "需求刚被他人转介")
    need.status = Need.Status.REFERRED
    return Referral.objects.create(
        need=need,
        area_code=need.area_code,
        organisation=organisation,
        resource=resource,
        project=project,
        score=score,
        note=note,
        referred_by=user,
    )


def referrals_for_staff(user):
    """The referrals to the organisation the user works for, wherever the household lives: a
    provider's staff see exactly what was referred to them (reached through their organisation)."""
    organisation = _staff_organisation(user)
    return Referral.unscoped.filter(organisation=organisation).select_related("need", "need__household", "resource")


def staff_referral(user, pk: int) -> Referral:
    referral = referrals_for_staff(user).filter(pk=pk).first()
    if referral is None:
        raise DomainError(SocietyCode.NOT_FOUND, "找不到该转介，或未转介给本机构")
    return referral


@transaction.atomic
def accept(referral: Referral, *, user) -> Referral:
    if referral.state != Referral.State.REFERRED:
        raise DomainError(SocietyCode.WRONG_STATE, "该转介已处理")
    referral.state, referral.handled_by, referral.accepted_at = Referral.State.ACCEPTED, user, timezone.now()
    referral.save()
    Need.unscoped.filter(pk=referral.need_id).update(status=Need.Status.ACCEPTED)
    return referral


@transaction.atomic
def decline(referral: Referral, *, user, reason: str) -> Referral:
    """退回: the need is open again for another organisation."""
    if referral.state != Referral.State.REFERRED:
        raise DomainError(SocietyCode.WRONG_STATE, "该转介已处理")
    if not reason.strip():
        raise DomainError(SocietyCode.BAD_INPUT, "请填写退回原因")
    referral.state, referral.handled_by, referral.decline_reason = Referral.State.DECLINED, user, reason.strip()
    referral.save()
    Need.unscoped.filter(pk=referral.need_id).update(status=Need.Status.OPEN)
    return referral


@transaction.atomic
def report_help(
    referral: Referral, *, user, report: str, value, helped_on: date, used: Decimal | None = None
) -> Referral:
    """The organisation reports the help it gave; a resource's remaining quantity goes down by what
    was used (never below zero)."""
    if referral.state != Referral.State.ACCEPTED:
        raise DomainError(SocietyCode.WRONG_STATE, "请先接收转介，再反馈帮扶情况")
    if not report.strip():
        raise DomainError(SocietyCode.BAD_INPUT, "请填写帮扶情况")
    if value is not None and value < 0:
        raise DomainError(SocietyCode.BAD_INPUT, "帮扶金额不能为负数")
    referral.state, referral.report, referral.help_value, referral.helped_on = (
        Referral.State.REPORTED,
        report.strip(),
        value,
        helped_on,
    )
    referral.handled_by = user
    referral.save()
    if referral.resource_id and used:
        Resource.unscoped.filter(pk=referral.resource_id).update(
            remaining=Case(When(remaining__gte=used, then=F("remaining") - used), default=Value(Decimal(0)))
        )
    Need.unscoped.filter(pk=referral.need_id).update(status=Need.Status.HELPED)
    return referral


def confirm(need: Need, *, user, confirmation: str, on_date: date) -> Need:
    """The need closes with the resident's confirmation (recorded by the worker)."""
    need = Need.objects.get(pk=need.pk)  # the organisation's report changed it since it was read
    if need.status != Need.Status.HELPED:
        raise DomainError(SocietyCode.WRONG_STATE, "机构反馈帮扶后，才能由居民确认办结")
    if not confirmation.strip():
        raise DomainError(SocietyCode.BAD_INPUT, "请记录居民的确认意见")
    need.status, need.confirmation, need.closed_on = Need.Status.CLOSED, confirmation.strip(), on_date
    need.save()
    return need
