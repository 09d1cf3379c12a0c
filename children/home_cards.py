"""Children's cards on the home page: the 儿童主任's children by visit due date (overdue first), and
the mandatory reports a township (or, once escalated, the county) has to act on."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from areas.codes import is_county_or_above
from children import capabilities as caps
from children import services
from children.models import ChildRecord
from core.masking import mask_name

ROWS = 6
SOON_DAYS = 7


def my_children_card(user, today: date) -> Card | None:
    """我的困境儿童: the director's open records, overdue visits first."""
    mine = ChildRecord.objects.filter(director=user, closed_on__isnull=True)
    if not mine.exists():
        return None
    listed = reverse("children:list")
    overdue = mine.filter(next_visit_due__lt=today)
    soon = mine.filter(next_visit_due__gte=today, next_visit_due__lte=today + timedelta(days=SOON_DAYS))
    rows = [
        Row(
            f"{mask_name(r.person.name)} · {r.get_category_display()} · {r.get_risk_display()}",
            reverse("children:visit", args=[r.pk]),
            r.next_visit_due,
            "danger" if r.next_visit_due and r.next_visit_due < today else "",
            "走访已超期" if r.next_visit_due and r.next_visit_due < today else "",
        )
        for r in mine.select_related("person").order_by("next_visit_due", "id")[:ROWS]
    ]
    figures = [
        Figure("在档儿童", mine.count(), f"{listed}?mine=1"),
        Figure("走访超期", overdue.count(), f"{listed}?mine=1&state=overdue", "danger"),
        Figure(f"{SOON_DAYS}天内到期", soon.count(), f"{listed}?mine=1", "warning"),
    ]
    return Card("我的困境儿童走访", figures, rows, listed, empty="近期没有到期的走访")


def reports_card(user, today: date) -> Card | None:
    """强制报告: the reports of the area not yet complete; at the county only the escalated ones."""
    open_ = services.incomplete_reports()
    if is_county_or_above(user.area_code or ""):
        open_ = open_.filter(escalated_at__isnull=False) | open_.filter(due_at__lt=timezone.now())
    if not open_.exists():
        return None
    now = timezone.now()
    listed = reverse("children:reports")
    rows = [
        Row(
            f"{mask_name(r.child_name)} · {r.get_kind_display()} · 时限{timezone.localtime(r.due_at):%m-%d %H:%M}",
            reverse("children:report_detail", args=[r.pk]),
            timezone.localtime(r.due_at).date(),
            "danger" if r.due_at < now else "warning",
            "已超时，已升级到县" if r.due_at < now else "限时报告中",
        )
        for r in open_.order_by("due_at", "id")[:ROWS]
    ]
    figures = [
        Figure("待办结", open_.count(), listed, "warning"),
        Figure("已超时", open_.filter(due_at__lt=now).count(), f"{listed}?state=overdue", "danger"),
    ]
    return Card("强制报告", figures, rows, listed, empty="没有待办的强制报告")


register_home_card(HomeCard("children_mine", caps.MANAGE_CHILDREN, 28, my_children_card))
register_home_card(HomeCard("children_reports", caps.RECEIVE_CHILD_REPORT, 29, reports_card))
