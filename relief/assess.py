"""受灾家庭救助评定: a household assessed in one category, its amount from dated policy
(`relief.rules.relief_amount`); approval (by someone else) grants it once through the ledger, so the
自然灾害生活救助 payment roll of that month pays it by bank with the usual checks and fund posting."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from areas.jurisdiction import current_scope
from core.errors import DomainError
from ledger.services import grant_one_off
from policy.parameters import MissingParameter, Policy
from policy.programmes import Programme
from relief import rules
from relief.errors import ReliefCode
from relief.models import DisasterEvent, ReliefAssessment, ReliefCategory


def compute(household, category: str, *, persons: int, days: int, on: date) -> rules.ReliefAmount:
    try:
        policy = Policy.for_area(household.area_code, on)
        return rules.relief_amount(policy, category, persons=persons, days=days)
    except MissingParameter as error:
        raise DomainError(ReliefCode.BAD_INPUT, str(error)) from None
    except (KeyError, TypeError, ValueError):
        raise DomainError(ReliefCode.BAD_INPUT, "自然灾害救助标准设置不完整，请管理员检查政策参数") from None


@transaction.atomic
def assess(*, user, event: DisasterEvent, household, category: str, persons: int, days: int = 0,
           on: date | None = None) -> ReliefAssessment:  # fmt: skip
    if category not in ReliefCategory.values:
        raise DomainError(ReliefCode.BAD_INPUT, "请选择救助类别")
    if not current_scope().allows(household.area_code):
        raise DomainError(ReliefCode.OUT_OF_AREA, "该家庭不在本辖区")
    if not household.area_code.startswith(event.area_code[:6]):
        raise DomainError(ReliefCode.NOT_AFFECTED, "该家庭不在本次灾害所在县")
    on = on or timezone.localdate()
    days = days if category == ReliefCategory.TRANSITIONAL else 0
    amount = compute(household, category, persons=persons, days=days, on=on)
    existing = ReliefAssessment.objects.filter(event=event, household=household, category=category).first()
    if existing is not None:
        if existing.status == ReliefAssessment.Status.APPROVED:
            raise DomainError(ReliefCode.ALREADY_APPROVED, "该户这一类救助已审批发放，不能再改")
        existing.persons, existing.days = persons, days
        existing.amount, existing.basis = amount.amount, amount.basis
        existing.assessed_by, existing.assessed_on = user, on
        existing.save()
        return existing
    return ReliefAssessment.objects.create(
        event=event,
        household=household,
        area_code=household.area_code,
        category=category,
        persons=persons,
        days=days,
        amount=amount.amount,
        basis=amount.basis,
        assessed_by=user,
        assessed_on=on,
    )


@transaction.atomic
def approve(*, user, assessment: ReliefAssessment, on: date | None = None) -> ReliefAssessment:
    assessment = ReliefAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status == ReliefAssessment.Status.APPROVED:
        raise DomainError(ReliefCode.ALREADY_APPROVED, "已经审批过了")
    if assessment.assessed_by_id == user.pk:
        raise DomainError(ReliefCode.SELF_APPROVAL, "评定人不能审批自己的评定，请由另一位审批人审批")
    on = on or timezone.localdate()
    enrolment = grant_one_off(
        programme=Programme.DISASTER_RELIEF,
        household=assessment.household,
        amount=assessment.amount,
        decided_on=on,
        covered_members=assessment.persons,
        case_reference=assessment.event.name[:60],
        reason=f"{assessment.get_category_display()}（{assessment.event.name}）",
        user=user,
        idempotency_key=f"relief-assessment-{assessment.pk}",
    )
    assessment.status = ReliefAssessment.Status.APPROVED
    assessment.approved_by = user
    assessment.enrolment = enrolment
    assessment.save()
    return assessment
