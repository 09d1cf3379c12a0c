"""Monitoring's card on the home page (accounts.home): a 民生员's warnings to visit, or for
township and county handlers the open warnings of their area, soonest visit deadline first."""

from datetime import date

from django.urls import reverse

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from accounts.roles import Capability
from monitoring.models import Warning

ROWS = 6


def warnings_card(user, today: date) -> Card | None:
    if not user.unit_id:
        return None
    board = reverse("monitoring:board")
    open_ = Warning.objects.filter(stage__in=Warning.OPEN_STAGES)
    mine = user.can(Capability.VISIT_HOUSEHOLDS)
    if mine:
        open_ = open_.filter(assigned_to=user)
        title, suffix = "分给我的预警", "&mine=on"
    else:
        title, suffix = "辖区监测预警", ""
    to_visit = open_.filter(stage__in=(Warning.Stage.UNASSIGNED, Warning.Stage.ASSIGNED))
    rows = [
        Row(
            f"{w.get_signal_display()} · {w.household.number}{' · ' + w.person.name if w.person_id else ''}",
            reverse("monitoring:warning_detail", args=[w.pk]),
            w.due_on,
            "danger" if w.due_on < today else "",
            "走访已超期" if w.due_on < today else "",
        )
        for w in to_visit.select_related("household", "person").order_by("due_on", "id")[:ROWS]
    ]
    figures = [
        Figure("待走访", to_visit.filter(stage=Warning.Stage.ASSIGNED).count(), f"{board}?stage=assigned{suffix}"),
        Figure("走访超期", to_visit.filter(due_on__lt=today).count(), f"{board}?overdue=on{suffix}", "danger"),
        Figure(
            "已走访待处置" if mine else "待处置",
            open_.filter(stage=Warning.Stage.VISITED).count(),
            f"{board}?stage=visited{suffix}",
        ),
    ]
    if not mine:
        figures.insert(
            0,
            Figure(
                "待分派", open_.filter(stage=Warning.Stage.UNASSIGNED).count(), f"{board}?stage=unassigned", "warning"
            ),
        )
    return Card(title, figures, rows, board + ("?mine=on" if mine else ""), empty="没有待走访的预警")


register_home_card(HomeCard("monitoring_warnings", Capability.HANDLE_WARNINGS, 30, warnings_card))
