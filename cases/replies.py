"""统一答复: when a case ends, the accepting window replies to the applicant once — a printable
notice and a text message through a pluggable sender (settings.CASES_SMS_SENDER, a dotted path;
the default writes to the SmsOutbox table for a gateway to deliver)."""

from datetime import date
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from audit.services import update_logged
from cases import events, hooks
from cases.errors import CaseCode
from cases.models import Case, CaseReply, SmsOutbox
from core.errors import DomainError

DEFAULT_SENDER = "cases.replies.OutboxSender"


class SmsSender(Protocol):
    def send(self, phone: str, text: str, case: Case | None = None) -> None: ...


class OutboxSender:
    """Queues the text in SmsOutbox (the default: no gateway needed to run the platform)."""

    def send(self, phone: str, text: str, case: Case | None = None) -> None:
        SmsOutbox.objects.create(phone=phone, text=text[:500], case=case)


def sms_sender() -> SmsSender:
    return import_string(getattr(settings, "CASES_SMS_SENDER", DEFAULT_SENDER))()


def default_reply_text(case: Case) -> str:
    if case.status == Case.Status.APPROVED:
        result = "经审核，准予办理。"
    elif case.status == Case.Status.WITHDRAWN:
        result = f"申请已撤回：{case.outcome_reason}。"
    else:
        result = f"经审核，不予办理。理由：{case.outcome_reason}。如有异议，可自收到本通知之日起60日内申请行政复议，或6个月内提起行政诉讼。"
    return f"您于{case.accepted_on:%Y年%m月%d日}申请的“{case.item.name}”（受理编号{case.receipt_no}）已办结。{result}"


def sms_text(case: Case, unit_name: str) -> str:
    outcome = {Case.Status.APPROVED: "准予办理", Case.Status.WITHDRAWN: "申请已撤回"}.get(case.status, "不予办理")
    return (
        f"【{getattr(settings, 'MINZHENG', {}).get('SITE_NAME', '民政')}】您申请的{case.item.name}"
        f"（受理编号{case.receipt_no}）已办结，结果：{outcome}。请到{unit_name}领取答复通知书。"
    )


def issue_reply(*, user, case: Case, on_date: date, text: str = "") -> CaseReply:
    """One reply, from the window that accepted the case, after it has ended."""
    if case.status not in Case.FINISHED:
        raise DomainError(CaseCode.NOT_FINISHED, "办件尚未办结，不能答复")
    if user.unit_id != case.accepting_unit_id:
        raise DomainError(CaseCode.NO_PERMISSION, "统一答复由受理窗口出具")
    text = (text or "").strip() or default_reply_text(case)
    with transaction.atomic():
        unanswered = Case.objects.filter(replied_at__isnull=True, status__in=Case.FINISHED)
        if not update_logged(unanswered, case, replied_at=timezone.now()):
            raise DomainError(CaseCode.REPLY_ISSUED, "该办件已答复，不能重复答复")
        message = sms_text(case, user.unit.name)
        reply = CaseReply.objects.create(
            case=case, text=text, sms_text=message, issued_on=on_date, issued_by=user, unit=user.unit
        )
        if case.phone:
            sms_sender().send(case.phone, message, case)
        events.replied(case, user, on_date, text)
        hooks.case_replied(case, reply)
    return reply
