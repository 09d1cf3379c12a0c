"""养老服务 on the home pages: beds per 1,000 elderly on the leader's cockpit home (and the
clerk's), and a carer's orders of the month on the provider staff's home."""

from datetime import date

from django.db.models import Sum
from django.urls import reverse

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from accounts.roles import Capability
from areas.codes import prefix_of
from areas.models import Area
from core.masking import mask_name
from core.months import month_start
from eldercare import services
from eldercare.capabilities import RECORD_HOME_CARE
from eldercare.models import ServiceRecord


def beds_card(user, today: date) -> Card | None:
    prefix = prefix_of(user.area_code) if user.area_code else ""
    if not prefix:
        return None
    rows, total = services.beds_per_thousand(prefix, today)
    if not total.beds and not total.elderly:
        return None
    listed = reverse("eldercare:index")
    names = dict(Area.objects.filter(code__in=[r.code + "000" for r in rows]).values_list("code", "name"))
    title = f"养老床位：每千名老年人{total.per_thousand or 0}张"
    return Card(
        title,
        [
            Figure("养老床位", total.beds, listed),
            Figure("在院老人", total.occupied, listed),
            Figure("60周岁以上老人", total.elderly, listed),
        ],
        [
            Row(f"{names.get(r.code + '000', r.code)}：每千名老年人{r.per_thousand or 0}张", listed)
            for r in sorted(rows, key=lambda r: r.per_thousand or 0)[:5]
        ],
        listed,
        empty="",
    )


def carer_card(user, today: date) -> Card | None:
    carer = services.carer_of(user)
    if carer is None:
        return None
    orders = list(services.orders_for_carer(carer))
    month = month_start(today)
    used = dict(
        ServiceRecord.unscoped.filter(order__in=orders, month=month)
        .values("order_id")
        .annotate(m=Sum("minutes"))
        .values_list("order_id", "m")
    )
    serve = reverse("eldercare:serve")
    rows = [
        Row(f"{mask_name(o.person.name)}：本月已服务{(used.get(o.pk) or 0) / 60:.1f}/{o.hours_per_month}小时", serve)
        for o in orders[:6]
    ]
    return Card(
        f"居家养老服务（{carer.provider}）",
        [Figure("服务对象", len(orders), serve)],
        rows,
        serve,
        empty="没有服务中的工单",
    )


register_home_card(HomeCard("eldercare_beds", Capability.VIEW_DASHBOARD, 30, beds_card))
register_home_card(HomeCard("eldercare_carer", RECORD_HOME_CARE, 10, carer_card))
