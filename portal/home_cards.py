"""The portal's cards on staff home pages: the window's online requests (网上申请, 身份确认, 投诉)
and the bookings (上门服务 for a 民生员, 错时服务 for the window) with their times."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from core.masking import mask_name
from portal import services
from portal.capabilities import RESIDENT_DESK, SERVE_BOOKINGS
from portal.models import Booking, Complaint

ROWS = 6


def desk_card(user, today: date) -> Card | None:
    desk = reverse("portal:desk")
    applications = services.online_queue()
    bindings = services.pending_bindings()
    complaints = services.complaint_queue().filter(status=Complaint.Status.OPEN)
    overdue = complaints.filter(due_on__lt=today)
    rows = [
        Row(
            f"网上申请 · {a.item.name}",
            reverse("portal:online_detail", args=[a.pk]),
            timezone.localtime(a.submitted_at).date(),
            "",
            "待受理",
        )
        for a in applications[:ROWS]
    ]
    rows += [
        Row(
            f"投诉 · {c.get_kind_display()}",
            reverse("portal:complaint_staff", args=[c.pk]),
            c.due_on,
            "danger" if c.due_on < today else "",
            "已超期" if c.due_on < today else "",
        )
        for c in complaints.order_by("due_on")[: max(0, ROWS - len(rows))]
    ]
    figures = [
        Figure("网上申请待受理", applications.count(), desk),
        Figure("身份待确认", bindings.count(), desk, "warning"),
        Figure("投诉待答复", complaints.count(), desk),
        Figure("投诉已超期", overdue.count(), desk, "danger"),
    ]
    return Card("群众网上办事", figures, rows, desk, empty="没有待处理的网上办事")


def bookings_card(user, today: date) -> Card | None:
    bookings = services.bookings_for(user).filter(status=Booking.Status.BOOKED)
    if not bookings.exists():
        return None
    listed = reverse("portal:bookings_staff")
    now = timezone.now()
    rows = [
        Row(
            f"{timezone.localtime(b.starts_at):%m-%d %H:%M} · {b.get_kind_display()} · "
            f"{mask_name(b.household.head.name) if b.household.head_id else ''}户",
            listed,
            timezone.localtime(b.starts_at).date(),
            "danger" if b.starts_at < now else "",
            "已过预约时间" if b.starts_at < now else "",
        )
        for b in bookings.order_by("starts_at")[:ROWS]
    ]
    figures = [
        Figure("待服务", bookings.count(), listed),
        Figure("今天", bookings.filter(starts_at__date=today).count(), listed, "warning"),
    ]
    return Card("上门与错时服务", figures, rows, listed, empty="没有待服务的预约")


register_home_card(HomeCard("portal_desk", RESIDENT_DESK, 30, desk_card))
register_home_card(HomeCard("portal_bookings", SERVE_BOOKINGS, 31, bookings_card))
