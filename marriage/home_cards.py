"""The registrar's card on the home page (accounts.home): divorce applications by their next date,
and this month's registrations."""

from datetime import date

from django.urls import reverse

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from marriage.capabilities import MANAGE_MARRIAGES
from marriage.models import DivorceApplication, MarriageRecord

ROWS = 6


def registrar_card(user, today: date) -> Card:
    """婚姻登记: this month's marriages and divorces, divorces in the cooling-off and those whose
    parties must appear soon (the last day to appear first)."""
    month = MarriageRecord.objects.filter(registered_on__gte=today.replace(day=1), registered_on__lte=today)
    open_ = DivorceApplication.objects.filter(status__in=DivorceApplication.OPEN)
    cooling = open_.filter(cooling_off_ends_on__gte=today)
    awaiting = open_.filter(cooling_off_ends_on__lt=today)
    listed = reverse("marriage:divorces")
    rows = [
        Row(
            f"{a.marriage.parties} · {'待双方到场' if a.cooling_off_ends_on < today else '冷静期'}",
            reverse("marriage:divorce", args=[a.pk]),
            a.appear_by if a.cooling_off_ends_on < today else a.cooling_off_ends_on,
            "warning" if a.cooling_off_ends_on < today else "",
            f"{a.appear_by:%m月%d日}到场截止"
            if a.cooling_off_ends_on < today
            else f"{a.cooling_off_ends_on:%m月%d日}冷静期届满",
        )
        for a in open_.select_related("marriage").order_by("appear_by", "id")[:ROWS]
    ]
    figures = [
        Figure("本月结婚登记", month.filter(kind=MarriageRecord.Kind.MARRIAGE).count(), reverse("marriage:index")),
        Figure("本月离婚登记", month.filter(kind=MarriageRecord.Kind.DIVORCE).count(), reverse("marriage:index")),
        Figure("冷静期中", cooling.count(), listed),
        Figure("待双方到场", awaiting.count(), listed, "warning"),
    ]
    return Card("婚姻登记", figures, rows, listed, empty="没有办理中的离婚申请")


register_home_card(HomeCard("marriage.registrar", MANAGE_MARRIAGES, 20, registrar_card))
