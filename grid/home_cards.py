"""The grid's cards on the home page (accounts.home): a 民生员's household visits by due date
(分片包村 and the visit plans), and the grid events a handler or a grid worker has to follow."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from accounts.roles import Capability
from grid import visits
from grid.models import GridEvent, HouseholdContact

ROWS = 6
SOON_DAYS = 7


def visits_card(user, today: date) -> Card | None:
    """入户走访: the worker's households whose visit is due, overdue first (only for a contact)."""
    if not HouseholdContact.objects.filter(worker=user).exists():
        return None
    due = visits.due_visits(user, today)
    listed = reverse("grid:visits")
    overdue = [r for r in due if r["overdue"]]
    soon = [r for r in due if r["due"] and not r["overdue"] and r["due"] <= today + timedelta(days=SOON_DAYS)]
    rows = [
        Row(
            f"{r['household'].number} · {r['household'].head.name if r['household'].head_id else ''}",
            f"{reverse('grid:visit_new')}?household={r['household'].pk}",
            r["due"],
            "danger" if r["overdue"] else "",
            "走访已超期" if r["overdue"] else "",
        )
        for r in (overdue + soon)[:ROWS]
    ]
    figures = [
        Figure("包户", len(due), listed),
        Figure("走访超期", len(overdue), listed, "danger"),
        Figure(f"{SOON_DAYS}天内到期", len(soon), listed, "warning"),
    ]
    return Card("我的入户走访", figures, rows, listed, empty="近期没有到期的走访")


def events_card(user, today: date) -> Card | None:
    """网格事件: the open events of the user's area (a handler) or of their own reports (a grid worker)."""
    handler = user.can(Capability.HANDLE_GRID_EVENTS)
    events = GridEvent.objects.filter(status=GridEvent.Status.OPEN)
    if not handler:
        events = events.filter(reporter=user)
    now = timezone.now()
    listed = reverse("grid:events") if handler else reverse("grid:report")
    rows = [
        Row(
            f"{e.category.name} · {e.description[:20]}",
            reverse("grid:event_detail", args=[e.pk]) if handler else listed,
            timezone.localtime(e.due_at).date() if e.due_at else None,
            "danger" if e.due_at and e.due_at < now else "",
            "已超期" if e.due_at and e.due_at < now else "",
        )
        for e in events.select_related("category").order_by("due_at", "id")[:ROWS]
    ]
    figures = [
        Figure("处置中", events.count(), f"{listed}?state=open" if handler else listed),
        Figure(
            "已超期", events.filter(due_at__lt=now).count(), f"{listed}?state=overdue" if handler else listed, "danger"
        ),
    ]
    title = "辖区网格事件" if handler else "我上报的事件"
    return Card(title, figures, rows, listed, empty="没有处置中的网格事件")


register_home_card(HomeCard("grid_visits", Capability.VISIT_HOUSEHOLDS, 25, visits_card))


def reported_card(user, today: date) -> Card | None:
    """A grid worker's own open reports; none while nothing they reported is open (the home then says
    there is nothing to do), and a reporter who also handles events sees the area's card instead."""
    if user.can(Capability.HANDLE_GRID_EVENTS):
        return None
    if not GridEvent.objects.filter(status=GridEvent.Status.OPEN, reporter=user).exists():
        return None
    return events_card(user, today)


register_home_card(HomeCard("grid_events", Capability.REPORT_GRID_EVENTS, 26, reported_card))
register_home_card(HomeCard("grid_events_handled", Capability.HANDLE_GRID_EVENTS, 27, events_card))
