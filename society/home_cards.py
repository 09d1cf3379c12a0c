"""Home cards: the referrals waiting for an organisation's staff, and the open needs of an area."""

from datetime import date

from django.urls import reverse

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from society import capabilities as caps
from society.models import Need, OrganisationStaff, Referral

ROWS = 6


def referrals_card(user, today: date) -> Card | None:
    """转介帮扶: what was referred to the user's organisation and still needs an answer."""
    if not OrganisationStaff.objects.filter(user=user).exists():
        return None
    from society.lists import referrals_for_staff

    mine = referrals_for_staff(user)
    waiting = mine.filter(state=Referral.State.REFERRED)
    serving = mine.filter(state=Referral.State.ACCEPTED)
    listed = reverse("society:referrals")
    rows = [
        Row(f"{r.need.get_kind_display()} · {r.need.description[:20]}", reverse("society:referral", args=[r.pk]))
        for r in (list(waiting[:ROWS]) + list(serving[:ROWS]))[:ROWS]
    ]
    figures = [Figure("待接收", waiting.count(), listed, "warning"), Figure("帮扶中", serving.count(), listed)]
    return Card("转介给本机构的需求", figures, rows, listed, empty="没有待办的转介")


def needs_card(user, today: date) -> Card | None:
    open_needs = Need.objects.filter(status__in=Need.OPEN_STATUSES)
    if not open_needs.exists():
        return None
    listed = reverse("society:needs")
    figures = [
        Figure("待转介", open_needs.filter(status=Need.Status.OPEN).count(), f"{listed}?status=open", "warning"),
        Figure("待居民确认", open_needs.filter(status=Need.Status.HELPED).count(), f"{listed}?status=helped"),
    ]
    rows = [
        Row(f"{n.get_kind_display()} · {n.description[:20]}", reverse("society:need", args=[n.pk]))
        for n in open_needs.order_by("-id")[:ROWS]
    ]
    return Card("社会帮扶需求", figures, rows, listed, empty="没有未办结的需求")


register_home_card(HomeCard("society_referrals", caps.SERVE_REFERRALS, 40, referrals_card))
register_home_card(HomeCard("society_needs", caps.MANAGE_NEEDS, 41, needs_card))
