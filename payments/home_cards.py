"""Payments' card on the home page (accounts.home): the payment rolls waiting for the approver's
decision, oldest month first (an approver never approves a roll they generated: payments.rolls)."""

from datetime import date

from django.urls import reverse

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from accounts.roles import Capability
from areas.models import Area
from payments.models import PaymentRoll

ROWS = 6


def rolls_card(user, today: date) -> Card | None:
    if not user.unit_id:
        return None
    waiting = PaymentRoll.objects.filter(status=PaymentRoll.Status.GENERATED)
    listed_rolls = list(waiting.order_by("month", "id")[:ROWS])
    places = dict(
        Area.objects.current().filter(code__in={roll.area_code for roll in listed_rolls}).values_list("code", "name")
    )
    rows = [
        Row(
            f"{places.get(roll.area_code, '')} · {roll.get_programme_display()} · {roll.month:%Y年%-m月}",
            reverse("payments:roll_detail", args=[roll.pk]),
            note=f"{roll.payable_count}笔 {roll.payable_fen / 100:,.2f}元",
        )
        for roll in listed_rolls
    ]
    listed = reverse("payments:roll_list")
    return Card(
        "待审批的发放名册",
        [Figure("待审批", waiting.count(), listed, "warning")],
        rows,
        listed,
        empty="没有待审批的名册",
    )


register_home_card(HomeCard("payments_rolls", Capability.APPROVE, 35, rolls_card))
