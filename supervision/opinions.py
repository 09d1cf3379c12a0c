"""稽查 taking part in approvals: an auditor's opinion on a case step or a payment roll, and for the
items the county configured (OpinionRule rows: applications above an amount, staff relatives' cases,
先行救助 above a cap, every case of an item) the approval waits for it.

The wait is an approval guard registered with cases.hooks: before a step is approved the engine asks,
and a step a rule names is refused until an opinion on it exists; the newest opinion counts, and
"不同意" keeps the step waiting until a later opinion agrees.
"""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.roles import Capability
from cases.hooks import note
from cases.models import Case, CaseStep
from core.errors import DomainError
from supervision.errors import SupervisionCode
from supervision.models import Opinion, OpinionRule

Kind = OpinionRule.Kind


def rules_on(on_date: date) -> list[OpinionRule]:
    """Every rule in force on `on_date` (a handful of rows)."""
    return list(
        OpinionRule.objects.filter(effective_from__lte=on_date).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on_date)
        )
    )


def rules_in_force(on_date: date, item_code: str, area_code: str, rules: list[OpinionRule] | None = None):
    """The rules in force for a case of this item in this area."""
    return [
        rule
        for rule in (rules_on(on_date) if rules is None else rules)
        if rule.item_code in ("", item_code) and area_code.startswith(rule.area_code)
    ]


def _is_final_step(step: CaseStep) -> bool:
    return not CaseStep.objects.filter(case_id=step.case_id, order__gt=step.order).exists()


def _application_of(case_id: int):
    from assistance.casework import Application

    return Application.unscoped.filter(case_id=case_id).first()


def rule_applies(rule: OpinionRule, step: CaseStep, application) -> bool:
    """Whether this rule makes `step` wait for a 稽查 opinion."""
    if rule.step_code:
        if step.definition.code != rule.step_code:
            return False
    elif not _is_final_step(step):
        return False
    if rule.kind == Kind.ITEM:
        return True
    if application is None:
        return False
    if rule.kind == Kind.CLOSE_RELATIVE:
        return application.close_relative
    if rule.kind == Kind.ENROLMENT_ABOVE:
        return application.proposed_amount is not None and application.proposed_amount > (rule.threshold or 0)
    if rule.kind == Kind.ADVANCE_ABOVE:
        return application.advance_amount is not None and application.advance_amount > (rule.threshold or 0)
    return False


def rules_for_step(step: CaseStep, on_date: date | None = None, rules: list[OpinionRule] | None = None):
    """The rules that make this step wait for a 稽查 opinion (empty: it need not wait)."""
    on_date = on_date or timezone.localdate()
    rules = rules_in_force(on_date, step.case.item.code, step.area_code, rules)
    if not rules:
        return []
    application = _application_of(step.case_id) if any(r.kind != Kind.ITEM for r in rules) else None
    return [rule for rule in rules if rule_applies(rule, step, application)]


def latest_opinion(step: CaseStep) -> Opinion | None:
    return Opinion.unscoped.filter(step_id=step.pk).order_by("-id").first()


def approval_guard(step: CaseStep) -> None:
    """Registered with cases.hooks: a step a rule names waits for an opinion that does not disagree."""
    rules = rules_for_step(step)
    if not rules:
        return
    opinion = latest_opinion(step)
    names = "、".join(rule.name for rule in rules)
    if opinion is None:
        raise DomainError(SupervisionCode.OPINION_REQUIRED, f"该环节属于“{names}”，须先取得稽查意见才能审批")
    if opinion.verdict == Opinion.Verdict.DISAGREE:
        raise DomainError(
            SupervisionCode.OPINION_DISAGREES,
            f"稽查意见为不同意（{opinion.text[:60]}），须稽查人员重新出具意见后才能审批",
        )


def rules_for_roll(roll, on_date: date | None = None) -> list[OpinionRule]:
    """The rules that make this payment roll wait for a 稽查 opinion: a roll whose payable total is
    above a rule's limit, in the rule's area (a rule's 事项编码, when set, names the programme)."""
    on_date = on_date or timezone.localdate()
    return [
        rule
        for rule in rules_on(on_date)
        if rule.kind == Kind.ROLL_ABOVE
        and rule.item_code in ("", roll.programme)
        and roll.area_code.startswith(rule.area_code)
        and roll.payable_fen > (rule.threshold or 0) * 100
    ]


def roll_approval_guard(roll) -> None:
    """Registered with payments.hooks: a roll a rule names waits for an opinion that does not disagree."""
    rules = rules_for_roll(roll)
    if not rules:
        return
    opinion = Opinion.unscoped.filter(roll_id=roll.pk).order_by("-id").first()
    names = "、".join(rule.name for rule in rules)
    if opinion is None:
        raise DomainError(SupervisionCode.OPINION_REQUIRED, f"该名册属于“{names}”，须先取得稽查意见才能审批")
    if opinion.verdict == Opinion.Verdict.DISAGREE:
        raise DomainError(
            SupervisionCode.OPINION_DISAGREES,
            f"稽查意见为不同意（{opinion.text[:60]}），须稽查人员重新出具意见后才能审批",
        )


def give_opinion(*, user, verdict: str, text: str, on_date: date, step: CaseStep | None = None, roll=None) -> Opinion:
    """An auditor's 稽查意见 on a case step or a payment roll."""
    if not user.can(Capability.INSPECT):
        raise DomainError(SupervisionCode.WRONG_STATE, "只有稽查人员可以出具稽查意见")
    if verdict not in Opinion.Verdict.values:
        raise DomainError(SupervisionCode.BAD_SAMPLE, "请选择稽查结论")
    if not text.strip():
        raise DomainError(SupervisionCode.BAD_SAMPLE, "请填写稽查意见")
    target = step or roll
    with transaction.atomic():
        opinion = Opinion.objects.create(
            step=step,
            roll=roll,
            verdict=verdict,
            text=text.strip(),
            given_on=on_date,
            given_by=user,
            area_code=target.area_code,
        )
        if step is not None:  # on the case's timeline, where the approver reads it
            note(
                step.case,
                user,
                on_date,
                f"稽查意见（{opinion.get_verdict_display()}）：{opinion.text}",
                step=step,
                data={"supervision_opinion": opinion.pk},
            )
    return opinion


def find_target(reference: str):
    """The step or roll an auditor names by a receipt number or a roll number: (step, roll)."""
    from payments.models import PaymentRoll

    reference = reference.strip()
    case = Case.objects.filter(receipt_no=reference).first()
    if case is not None:
        step = case.steps.filter(state=CaseStep.State.ACTIVE).order_by("order").first()
        step = step or case.steps.order_by("-order").first()
        return step, None
    roll = PaymentRoll.objects.filter(number=reference).first()
    if roll is not None:
        return None, roll
    raise DomainError(SupervisionCode.BAD_SAMPLE, f"找不到受理编号或名册编号为“{reference}”的记录（或不在本辖区）")
