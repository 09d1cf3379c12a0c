"""The auditor's card on the home page (accounts.home): what to look at in the audit log today.
(Samples and rectifications of 稽查 add their own cards through the same registry.)

It lives here, at the top layer, because the audit app sits below accounts and cannot register
a card itself."""

from datetime import date, datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.home import Card, Figure, HomeCard, register_home_card
from audit.capabilities import VIEW_AUDIT_LOG
from audit.models import AuditEntry


def audit_card(user, today: date) -> Card | None:
    if not user.unit_id:
        return None
    start = timezone.make_aware(datetime.combine(today, time.min))
    entries = AuditEntry.objects.filter(created_at__gte=start)
    log = reverse("audit:log")
    Action = AuditEntry.Action

    def url(action: str) -> str:
        return f"{log}?{urlencode({'action': action})}"

    return Card(
        "今日操作日志",
        [
            Figure("今日操作", entries.count(), log),
            Figure(
                "查看完整个人信息",
                entries.filter(action=Action.VIEW_PERSONAL_DATA).count(),
                url(Action.VIEW_PERSONAL_DATA),
                "warning",
            ),
            Figure("导出", entries.filter(action=Action.EXPORT).count(), url(Action.EXPORT), "warning"),
            Figure("登录失败", entries.filter(action=Action.LOGIN_FAILED).count(), url(Action.LOGIN_FAILED), "danger"),
        ],
        more_url=log,
        more_label="查阅操作日志",
    )


register_home_card(HomeCard("audit_today", VIEW_AUDIT_LOG, 50, audit_card))
