"""Assistance's card on the home page (accounts.home): public notices (公示) running in the user's
area and ending soon, for the 民生员 who posts them and the reviewer who organises them."""

from datetime import date, timedelta

from django.urls import reverse

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from accounts.roles import Capability
from assistance.casework import PublicNotice

ROWS = 6
SOON_DAYS = 3  # a display window, not a legal period: "ending within three days"


def notices_card(user, today: date) -> Card | None:
    if not user.unit_id or not (user.can(Capability.APPLY_ON_BEHALF) or user.can(Capability.REVIEW)):
        return None
    running = PublicNotice.objects.filter(status=PublicNotice.Status.RUNNING)
    soon = running.filter(ends_on__lte=today + timedelta(days=SOON_DAYS))
    objected = PublicNotice.objects.filter(status=PublicNotice.Status.OBJECTED)
    applications = reverse("assistance:applications")
    rows = [
        Row(
            f"{n.village_name} · {n.masked_name}（第{n.round}轮）",
            reverse("assistance:detail", args=[n.application_id]),
            n.ends_on,
            "warning" if n.ends_on <= today else "",
            "今日期满"
            if n.ends_on == today
            else ("已期满待办理" if n.ends_on < today else f"{n.ends_on:%-m月%-d日}期满"),
        )
        for n in running.order_by("ends_on", "id")[:ROWS]
    ]
    return Card(
        "公示",
        [
            Figure("公示中", running.count(), applications),
            Figure(f"{SOON_DAYS}日内期满", soon.count(), applications, "warning"),
            Figure("有异议待复查", objected.count(), applications, "danger"),
        ],
        rows,
        applications,
        empty="没有公示中的申请",
    )


register_home_card(HomeCard("assistance_notices", None, 25, notices_card))
