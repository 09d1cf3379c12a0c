"""Ledger actions on enrolments, named as the decision documents name them. Each writes one
EnrolmentEvent and moves the Enrolment projection with a conditional update on its version."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q

from areas.jurisdiction import current_scope
from core.errors import DomainError
from core.months import month_start, next_month_start
from ledger import hooks
from ledger.errors import LedgerCode
from ledger.models import Enrolment, EnrolmentEvent, GradualExitStep, ReviewSchedule
from policy import rules
from policy.parameters import Policy
from policy.programmes import Programme
from registry.models import Household, Membership, Person

PERSONAL_PROGRAMMES = {
    Programme.TEKUN,
    Programme.DISABILITY_LIVING,
    Programme.DISABILITY_CARE,
    Programme.ORPHAN,
    Programme.UNSUPPORTED_CHILD,
    Programme.CHILD_IN_DIFFICULTY,
    Programme.ELDERLY_ALLOWANCE,
    Programme.ELDERLY_SERVICE,
    Programme.ELDERLY_CARE,
}


def open_programmes_of(person: Person) -> set[str]:
    """Programmes a person currently benefits from: personally, or through their household."""
    household_ids = Membership.unscoped.filter(person=person, end_date__isnull=True).values("household_id")
    return set(
        Enrolment.unscoped.filter(~Q(status=Enrolment.Status.STOPPED))
        .filter(Q(beneficiary=person) | Q(beneficiary__isnull=True, household_id__in=household_ids))
        .values_list("programme", flat=True)
    )


def check_compatible(programme: str, people: list[Person], policy: Policy) -> None:
    for person in people:
        conflict = rules.incompatible_with(policy, programme, open_programmes_of(person))
        if conflict:
            raise DomainError(
                LedgerCode.INCOMPATIBLE,
                f"{person.name}已享受{Programme(conflict).label}，不得同时纳入{Programme(programme).label}",
            )


def _record(
    enrolment: Enrolment,
    kind: str,
    *,
    month: date,
    reason: str,
    user=None,
    case_reference: str = "",
    amount_before=None,
    amount_after=None,
    money=None,
    details=None,
    idempotency_key=None,
) -> EnrolmentEvent:
    event = EnrolmentEvent.objects.create(
        enrolment=enrolment,
        area_code=enrolment.area_code,
        kind=kind,
        effective_month=month,
        status_after=enrolment.status,
        amount_before=amount_before,
        amount_after=amount_after,
        money=money,
        reason=reason,
        details=details or {},
        case_reference=case_reference,
        recorded_by=user,
        idempotency_key=idempotency_key,
    )
    hooks.enrolment_event_recorded(event)
    return event


def review_basis_of(household: Household, beneficiary: Person | None = None) -> str:
    """复核周期类别 from what the registry knows of the people the enrolment covers (the beneficiary of
    a personal programme, else the household's current members): a living member the registry
    records as 有劳动能力 makes it 6-monthly, otherwise (elderly, disabled, ill, children: income
    that does not change) yearly. The months of each are policy parameters (review.stable_months,
    review.unstable_months) of the area and date. 最低生活保障审核确认办法（民发〔2021〕57号）动态管理:
    收入来源不固定、家庭成员有劳动能力的家庭每半年核查一次，收入基本稳定的家庭每年核查一次."""
    people = [beneficiary] if beneficiary is not None else [m.person for m in household.current_memberships()]
    able = any(p.is_alive and p.labour_capacity == Person.LabourCapacity.FULL for p in people)
    return Enrolment.ReviewBasis.UNSTABLE if able else Enrolment.ReviewBasis.STABLE


def _chosen_basis(review_basis: str | None, household: Household, beneficiary: Person | None) -> str:
    """The reviewer's assessment when given (income the registry cannot see), else the facts."""
    if not review_basis:
        return review_basis_of(household, beneficiary)
    if review_basis not in Enrolment.ReviewBasis.values:
        raise DomainError(LedgerCode.REVIEW_BASIS, "复核类别只能是收入稳定或收入不稳定（有劳动能力成员）")
    return review_basis


def _schedule_review(enrolment: Enrolment, policy: Policy, reviewed_on: date, review_basis: str) -> None:
    """The next review from a decision; the schedule job later brings it forward after a death."""
    stable = review_basis == Enrolment.ReviewBasis.STABLE
    due, reason = rules.next_review_due(policy, rules.ReviewFacts(reviewed_on, stable, not stable))
    ReviewSchedule.objects.update_or_create(
        enrolment=enrolment, defaults={"area_code": enrolment.area_code, "due_on": due, "reason": reason}
    )


def _move(enrolment: Enrolment, **changes) -> None:
    """Apply changes only if nobody changed the enrolment since we read it."""
    updated = Enrolment.unscoped.filter(pk=enrolment.pk, version=enrolment.version).update(
        version=F("version") + 1, **changes
    )
    if updated != 1:
        raise DomainError(LedgerCode.CONCURRENT_CHANGE, "该保障对象刚被其他人修改，请刷新后重试")
    for field, value in changes.items():
        setattr(enrolment, field, value)
    enrolment.version += 1


@transaction.atomic
def enrol(
    *,
    programme: str,
    household: Household,
    monthly_amount: Decimal,
    decided_on: date,
    covered_members: int = 1,
    beneficiary: Person | None = None,
    review_basis: str | None = None,
    case_reference: str = "",
    user=None,
    working: dict | None = None,
    not_before: date | None = None,
) -> Enrolment:
    """纳入保障: payment starts the month after the decision (or from `not_before` when a rule starts
    it later: 高龄津贴 from the month after the birthday, policy.rules.elderly_allowance_start);
    incompatible programmes are refused. The review interval comes from the household's facts
    (`review_basis_of`) unless a clerk's assessment names it."""
    if programme in PERSONAL_PROGRAMMES and beneficiary is None:
        raise DomainError(LedgerCode.BENEFICIARY_MISSING, f"{Programme(programme).label}须指定享受人")
    if monthly_amount <= 0:
        raise DomainError(LedgerCode.AMOUNT, "保障金额必须大于0")
    if not current_scope().allows(household.area_code):
        raise DomainError(LedgerCode.OUTSIDE_JURISDICTION, "该家庭不在本辖区，不能纳入保障")
    policy = Policy.for_area(household.area_code, decided_on)
    people = [beneficiary] if beneficiary else [m.person for m in household.current_memberships()]
    check_compatible(programme, people, policy)
    review_basis = _chosen_basis(review_basis, household, beneficiary)
    enrolment = Enrolment.objects.create(
        programme=programme,
        household=household,
        beneficiary=beneficiary,
        area_code=household.area_code,
        covered_members=covered_members,
        monthly_amount=monthly_amount,
        start_month=max(next_month_start(decided_on), month_start(not_before or decided_on)),
        review_basis=review_basis,
        last_reviewed_on=decided_on,
    )
    _schedule_review(enrolment, policy, decided_on, review_basis)
    _record(
        enrolment,
        EnrolmentEvent.Kind.ENROLLED,
        month=enrolment.start_month,
        reason="审核确认纳入保障",
        user=user,
        case_reference=case_reference,
        amount_after=monthly_amount,
        details=working or {},
    )
    return enrolment


@transaction.atomic
def grant_one_off(
    *,
    programme: str,
    household: Household,
    amount: Decimal,
    decided_on: date,
    covered_members: int = 1,
    beneficiary: Person | None = None,
    case_reference: str = "",
    reason: str = "一次性救助",
    user=None,
    idempotency_key: str | None = None,
) -> Enrolment:
    """一次性发放 (临时救助): a grant paid once, through the programme's payment roll of the month it
    was decided (or as arrears in the next one, when that roll was approved already). Recorded as an
    enrolment for that one month only — no review, and it never blocks another grant — so the roll
    machinery, its checks and the fund ledger handle it as any other line."""
    if amount <= 0:
        raise DomainError(LedgerCode.AMOUNT, "救助金额必须大于0")
    if not current_scope().allows(household.area_code):
        raise DomainError(LedgerCode.OUTSIDE_JURISDICTION, "该家庭不在本辖区")
    if idempotency_key:
        earlier = EnrolmentEvent.unscoped.filter(idempotency_key=idempotency_key).select_related("enrolment").first()
        if earlier is not None:
            return earlier.enrolment
    month = month_start(decided_on)
    enrolment = Enrolment.objects.create(
        programme=programme,
        household=household,
        beneficiary=beneficiary,
        area_code=household.area_code,
        covered_members=covered_members,
        monthly_amount=amount,
        start_month=month,
        end_month=next_month_start(decided_on),
        status=Enrolment.Status.STOPPED,  # paid once: never an open enrolment
        last_reviewed_on=decided_on,
    )
    _record(
        enrolment,
        EnrolmentEvent.Kind.ENROLLED,
        month=month,
        reason=reason,
        user=user,
        case_reference=case_reference,
        amount_after=amount,
        details={"one_off": True},
        idempotency_key=idempotency_key,
    )
    return enrolment


@transaction.atomic
def adjust_amount(
    enrolment: Enrolment, *, new_amount: Decimal, decided_on: date, reason: str, case_reference: str = "", user=None
) -> Enrolment:
    """调整保障金额 from the month after the decision."""
    if not enrolment.is_open:
        raise DomainError(LedgerCode.STOPPED, "已停保的对象不能调整金额")
    before = enrolment.monthly_amount
    _move(enrolment, monthly_amount=new_amount)
    _record(
        enrolment,
        EnrolmentEvent.Kind.ADJUSTED,
        month=next_month_start(decided_on),
        reason=reason,
        user=user,
        case_reference=case_reference,
        amount_before=before,
        amount_after=new_amount,
    )
    return enrolment


@transaction.atomic
def stop(
    enrolment: Enrolment,
    *,
    decided_on: date,
    reason: str,
    user=None,
    case_reference: str = "",
    idempotency_key: str | None = None,
    from_month: date | None = None,
) -> Enrolment:
    """停止保障 from the month after the decision, or from `from_month` when a rule says so (a death:
    policy.rules.payment_ends_after_death)."""
    if not enrolment.is_open:
        raise DomainError(LedgerCode.STOPPED, "该对象已停保")
    end = month_start(from_month) if from_month else next_month_start(decided_on)
    _move(enrolment, status=Enrolment.Status.STOPPED, end_month=end)
    ReviewSchedule.objects.filter(enrolment=enrolment).delete()
    _record(
        enrolment,
        EnrolmentEvent.Kind.STOPPED,
        month=end,
        reason=reason,
        user=user,
        case_reference=case_reference,
        amount_before=enrolment.monthly_amount,
        idempotency_key=idempotency_key,
    )
    return enrolment


@transaction.atomic
def start_gradual_exit(
    enrolment: Enrolment, *, decided_on: date, reason: str, user=None, case_reference: str = ""
) -> Enrolment:
    """渐退: work lifted income above the standard; payment steps down over the configured months."""
    if enrolment.status != Enrolment.Status.IN_PAYMENT:
        raise DomainError(LedgerCode.NOT_IN_PAYMENT, "只有正常发放的对象可以进入渐退期")
    policy = Policy.for_area(enrolment.area_code, decided_on)
    schedule = rules.gradual_exit_schedule(policy, monthly_amount=enrolment.monthly_amount, income_from_work=True)
    first = next_month_start(decided_on)
    months = [first]
    for _ in schedule[1:]:
        months.append(next_month_start(months[-1]))
    plan = [{"month": m.isoformat(), "amount": str(a)} for m, a in zip(months, schedule, strict=True)]
    GradualExitStep.objects.bulk_create(
        GradualExitStep(enrolment=enrolment, area_code=enrolment.area_code, month=m, amount=a)
        for m, a in zip(months, schedule, strict=True)
    )
    _move(enrolment, status=Enrolment.Status.GRADUAL_EXIT, end_month=next_month_start(months[-1]))
    ReviewSchedule.objects.filter(enrolment=enrolment).delete()
    _record(
        enrolment,
        EnrolmentEvent.Kind.GRADUAL_EXIT,
        month=first,
        reason=reason,
        user=user,
        case_reference=case_reference,
        amount_before=enrolment.monthly_amount,
        details={"plan": plan},
    )
    return enrolment


def amount_for_month(enrolment: Enrolment, month: date) -> Decimal:
    """What the enrolment pays for a month (0 outside its period; the plan during 渐退).
    Payment rolls compute the same set-based in SQL; this is the one-enrolment reading."""
    month = month_start(month)
    if month < enrolment.start_month or (enrolment.end_month and month >= enrolment.end_month):
        return Decimal("0")
    if enrolment.status == Enrolment.Status.SUSPENDED:
        return Decimal("0")
    if enrolment.status == Enrolment.Status.GRADUAL_EXIT:
        step = enrolment.exit_steps.filter(month=month).first()
        return step.amount if step else Decimal("0")
    return enrolment.monthly_amount


@transaction.atomic
def record_fraud(
    enrolment: Enrolment,
    *,
    decided_on: date,
    months_paid_wrongly: int,
    fine_multiple: Decimal,
    reason: str,
    user=None,
    case_reference: str = "",
) -> tuple[Decimal, Decimal]:
    """骗取救助: stop, compute the amount to recover, record the fine decision (1–3×)."""
    amount = enrolment.monthly_amount
    recovered, fine = rules.fraud_recovery(
        months_paid_wrongly=months_paid_wrongly, monthly_amount=amount, fine_multiple=fine_multiple
    )
    if enrolment.is_open:
        stop(enrolment, decided_on=decided_on, reason=f"骗取救助：{reason}", user=user, case_reference=case_reference)
    month = next_month_start(decided_on)
    _record(
        enrolment,
        EnrolmentEvent.Kind.RECOVERY,
        month=month,
        reason=f"追回{months_paid_wrongly}个月救助金",
        user=user,
        case_reference=case_reference,
        money=recovered,
    )
    _record(
        enrolment,
        EnrolmentEvent.Kind.FINE,
        month=month,
        reason=f"处以{fine_multiple}倍罚款",
        user=user,
        case_reference=case_reference,
        money=fine,
    )
    return recovered, fine


@transaction.atomic
def keep_after_review(
    enrolment: Enrolment, *, reviewed_on: date, review_basis: str | None = None, user=None, case_reference: str = ""
) -> Enrolment:
    """复核维持: the next review is scheduled from this one, its interval from the household's facts
    as they are now (`review_basis_of`) unless the reviewer's assessment names it."""
    review_basis = _chosen_basis(review_basis, enrolment.household, enrolment.beneficiary)
    _move(enrolment, last_reviewed_on=reviewed_on, review_basis=review_basis)
    _schedule_review(enrolment, Policy.for_area(enrolment.area_code, reviewed_on), reviewed_on, review_basis)
    _record(
        enrolment,
        EnrolmentEvent.Kind.REVIEWED,
        month=month_start(reviewed_on),
        reason="复核后维持保障",
        user=user,
        case_reference=case_reference,
        amount_after=enrolment.monthly_amount,
    )
    return enrolment


@transaction.atomic
def set_care_arrangement(
    enrolment: Enrolment, *, arrangement: str, decided_on: date, reason: str, user=None, case_reference: str = ""
) -> Enrolment:
    """供养方式 of a 特困 enrolment: 集中供养 when the person is admitted to an institution, 分散供养
    when they leave it (eldercare.services). Recorded as an event; the amount is unchanged here."""
    if enrolment.programme != Programme.TEKUN:
        raise DomainError(LedgerCode.CARE_ARRANGEMENT, "只有特困人员有供养方式")
    if arrangement not in Enrolment.CareArrangement.values:
        raise DomainError(LedgerCode.CARE_ARRANGEMENT, "供养方式只能是分散供养或集中供养")
    if not enrolment.is_open:
        raise DomainError(LedgerCode.STOPPED, "已停保的对象不能变更供养方式")
    if enrolment.care_arrangement == arrangement:
        return enrolment
    before = enrolment.care_arrangement
    _move(enrolment, care_arrangement=arrangement)
    _record(
        enrolment,
        EnrolmentEvent.Kind.ADJUSTED,
        month=month_start(decided_on),
        reason=reason,
        user=user,
        case_reference=case_reference,
        amount_before=enrolment.monthly_amount,
        amount_after=enrolment.monthly_amount,
        details={"care_arrangement": [before, arrangement]},
    )
    return enrolment
