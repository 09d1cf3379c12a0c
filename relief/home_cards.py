"""Relief's card on the home page: the reports a township has to check, and the campaign households a
worker still has to reach."""

from datetime import date

from django.urls import reverse

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from relief import capabilities
from relief.models import Campaign, CampaignTarget, LossReport

ROWS = 6


def work_card(user, today: date) -> Card | None:
    pending = LossReport.objects.filter(status=LossReport.Status.SUBMITTED)
    check = user.can(capabilities.CHECK_LOSSES)
    to_reach = CampaignTarget.objects.filter(
        campaign__status=Campaign.Status.UNDER_WAY, delivered_at__isnull=True, not_reached=""
    )
    n_pending = pending.count() if check else 0
    n_reach = to_reach.count() if user.can(capabilities.DELIVER) else 0
    if not n_pending and not n_reach:
        return None
    rows = []
    if check:
        rows += [
            Row(f"{r.event.name} · {r.get_stage_display()}待核查", reverse("relief:event", args=[r.event_id]), None,
                "warning", "")
            for r in pending.select_related("event").order_by("submitted_at")[:ROWS]
        ]  # fmt: skip
    figures = [
        Figure("灾情待核查", n_pending, reverse("relief:events"), "warning"),
        Figure("慰问待送达户", n_reach, reverse("relief:campaigns")),
    ]
    return Card("救灾和专项行动", figures, rows, reverse("relief:events"), empty="没有待办")


register_home_card(HomeCard("relief.work", capabilities.VIEW_RELIEF, 40, work_card))
