"""Verification's card on the home page (accounts.home): the findings of the data comparisons that
still wait for someone, by kind, for the county staff who receive the data (approver, auditor)."""

from datetime import date

from django.db.models import Count
from django.urls import reverse

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from accounts.roles import Capability
from verification.models import Finding

ROWS = 6


def findings_card(user, today: date) -> Card | None:
    if not user.unit_id:
        return None
    url = reverse("verification:finding_list")
    waiting = Finding.objects.filter(status=Finding.Status.OPEN)
    by_kind = waiting.values("kind").annotate(n=Count("id")).order_by("-n", "kind")[:ROWS]
    labels = dict(Finding.Kind.choices)
    rows = [
        Row(str(labels.get(r["kind"], r["kind"])), f"{url}?kind={r['kind']}&status=open", note=f"{r['n']}条")
        for r in by_kind
    ]
    return Card(
        "待处理的比对发现",
        [
            Figure("待处理", waiting.count(), f"{url}?status=open", "warning"),
            Figure(
                "已转办未办结",
                Finding.objects.filter(status=Finding.Status.WORK_OPENED).count(),
                f"{url}?status=work_opened",
            ),
        ],
        rows,
        url,
        empty="没有待处理的比对发现",
    )


register_home_card(HomeCard("verification_findings", Capability.MANAGE_DEPARTMENT_DATA, 40, findings_card))
