"""The rescue officer's card on the home page: who is in the station, whose stay ends soon, who is overdue."""

from datetime import date, timedelta

from django.urls import reverse

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from rescue import rules
from rescue.capabilities import RESCUE_WORK
from rescue.models import Stay

ROWS = 6
SOON_DAYS = 2


def stays_card(user, today: date) -> Card | None:
    in_station = Stay.objects.filter(status=Stay.Status.IN_STATION)
    listed = reverse("rescue:stays")
    overdue = in_station.filter(due_on__lt=today)
    soon = in_station.filter(due_on__gte=today, due_on__lte=today + timedelta(days=SOON_DAYS))
    rows = []
    for stay in in_station.select_related("person", "unidentified").order_by("due_on", "id")[:ROWS]:
        late = rules.is_overdue(stay.due_on, today, True)
        rows.append(
            Row(
                f"{stay.number} · {stay.display_name}",
                reverse("rescue:stay_detail", args=[stay.pk]),
                stay.due_on,
                "danger" if late else ("warning" if stay.due_on <= today + timedelta(days=SOON_DAYS) else ""),
                "已超过救助期限" if late else "",
            )
        )
    figures = [
        Figure("在站", in_station.count(), listed),
        Figure("已超期", overdue.count(), f"{listed}?state=overdue", "danger"),
        Figure(f"{SOON_DAYS}天内到期", soon.count(), f"{listed}?state=soon", "warning"),
    ]
    return Card("在站受助人员", figures, rows, listed, empty="站内暂无受助人员")


register_home_card(HomeCard("rescue_stays", RESCUE_WORK, 20, stays_card))
