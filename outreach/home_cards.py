"""政策找人 on the home page: the open findings of the user's area (for a 民生员, their village)."""

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from core.masking import mask_name
from outreach.capabilities import FIND_PEOPLE
from outreach.models import Finding

ROWS = 5


def findings_card(user, today: date) -> Card | None:
    findings = Finding.objects.filter(status__in=Finding.OPEN_STATUSES)
    counts = findings.aggregate(
        open=Count("id", filter=Q(status=Finding.Status.OPEN)),
        visited=Count("id", filter=Q(status=Finding.Status.VISITED)),
        applied=Count("id", filter=Q(status=Finding.Status.APPLIED)),
    )
    if not any(counts.values()):
        return None
    listed = reverse("outreach:findings")
    rows = [
        Row(
            f"{mask_name(f.person.name)} · {f.get_programme_display()}",
            reverse("outreach:detail", args=[f.pk]),
            None,
            "warning" if f.status == Finding.Status.OPEN else "",
            "",
        )
        for f in findings.filter(status=Finding.Status.OPEN).select_related("person").order_by("area_code", "id")[:ROWS]
    ]
    figures = [
        Figure("待走访", counts["open"], f"{listed}?status=open", "warning"),
        Figure("已走访待申请", counts["visited"], f"{listed}?status=visited"),
        Figure("已代办申请", counts["applied"], f"{listed}?status=applied"),
    ]
    return Card("政策找人", figures, rows, listed, empty="没有待走访的线索")


register_home_card(HomeCard("outreach_findings", FIND_PEOPLE, 24, findings_card))
