"""临时救助: 急难型 may be paid first and completed afterwards (先行救助); the township approves under
its cap and the county above it; Xinshao's four-in-one practice is a configurable variant
(LocalPractice): village representatives appraise before the intake step passes."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from assistance.casework import Application, LocalPractice
from assistance.errors import AssistanceCode
from cases import hooks
from core.errors import DomainError
from policy import rules
from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from policy.programmes import Programme

LEVEL_TEXT = {"township": "乡镇审批，县级备案", "county": "超过乡镇审批限额，由县级审批", "refused": "超过单次救助上限"}


def requested(application: Application) -> Decimal:
    return Decimal(str(application.facts.get("requested_amount") or "0"))


def approval_summary(application: Application) -> dict:
    policy = Policy.for_area(application.area_code, application.accepted_on)
    amount = requested(application)
    level = rules.temporary_aid_approver(policy, amount) if amount > 0 else ""
    return {
        "amount": amount,
        "level": level,
        "level_text": LEVEL_TEXT.get(level, "请填写救助金额"),
        "township_cap": policy.amount(K.TEMPORARY_TOWNSHIP_CAP),
        "county_cap": policy.amount(K.TEMPORARY_COUNTY_CAP),
        "variant": LocalPractice.Variant(application.variant).label if application.variant else "",
    }


def check_approval_level(application: Application, step) -> None:
    summary = approval_summary(application)
    if summary["level"] == "refused":
        raise DomainError(AssistanceCode.ABOVE_CAP, f"救助金额超过单次上限{summary['county_cap']}元")
    if not summary["level"]:
        raise DomainError(AssistanceCode.AMOUNT, "请填写救助金额")


@transaction.atomic
def pay_first(*, user, application: Application, on_date: date, amount: Decimal) -> Application:
    """先行救助 (急难型 only): paid at once, the paperwork completed afterwards."""
    if application.programme != Programme.TEMPORARY_EMERGENCY:
        raise DomainError(AssistanceCode.WRONG_STEP, "只有急难型临时救助可以先行救助")
    if application.advance_paid_on:
        raise DomainError(AssistanceCode.CLOSED, "已先行救助")
    policy = Policy.for_area(application.area_code, on_date)
    if amount <= 0 or amount > policy.amount(K.TEMPORARY_TOWNSHIP_CAP):
        raise DomainError(
            AssistanceCode.AMOUNT, f"先行救助金额应大于0且不超过乡镇审批限额{policy.amount(K.TEMPORARY_TOWNSHIP_CAP)}元"
        )
    Application.objects.filter(pk=application.pk).update(advance_amount=amount, advance_paid_on=on_date)
    application.refresh_from_db()
    hooks.note(application.case, user, on_date, f"先行救助{amount}元，事后补齐审批手续")
    return application
