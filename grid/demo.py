"""Demo grid work (make run): the village 民生员 and 网格员 answer for the households of their
village, a few events at different stages and a 12345 order. Idempotent: a second run adds nothing."""

import uuid
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from areas.jurisdiction import scope_for_user, system_scope, within
from grid import hotline, services, visits
from grid.models import GridEvent, HotlineOrder, Level, Urgency
from registry.models import Household

DEMO_EVENTS = [
    ("elderly_alone", "3组刘奶奶独居，儿女在外务工，近三天没人送饭", Urgency.URGENT, None),
    ("housing_danger", "5组王家土坯房后墙开裂，雨季有倒塌危险", Urgency.NORMAL, Level.TOWNSHIP),
    ("hardship", "李某因车祸住院，家中两个孩子无人照看，医药费难以负担", Urgency.NORMAL, None),
]


def load_grid_demo() -> dict[str, int]:
    with system_scope():
        minsheng = User.objects.filter(username="minsheng").select_related("unit").first()
        wangge = User.objects.filter(username="wangge").select_related("unit").first()
        clerk = User.objects.filter(username="clerk").select_related("unit").first()
        if not (minsheng and wangge and clerk and minsheng.unit_id):
            return {"contacts": 0, "events": 0, "orders": 0}
        village = minsheng.unit.area_code
        households = list(Household.objects.filter(area_code__startswith=village).order_by("pk")[:400])
        half = len(households) // 2
        contacts = visits.assign_contacts(
            households[:half], minsheng, on_date=timezone.localdate() - timedelta(days=120)
        )
        contacts_b = visits.assign_contacts(
            households[half:], wangge, on_date=timezone.localdate() - timedelta(days=30)
        )
    events = 0
    if not GridEvent.unscoped.filter(source=GridEvent.Source.GRID).exists():
        for index, (category, text, urgency, level) in enumerate(DEMO_EVENTS):
            household = households[index] if index < len(households) else None
            with within(scope_for_user(wangge)):
                stored = services.report_event(
                    user=wangge,
                    client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"minzheng-demo-event-{index}"),
                    category_code=category,
                    description=text,
                    urgency=urgency,
                    place=f"{index + 3}组",
                    household=household,
                )
            events += stored.created
            if level and stored.created:
                with within(scope_for_user(clerk)):
                    services.hand_off(stored.event, user=clerk, level=level, note="村里无力解决")
    orders = 0
    if not HotlineOrder.unscoped.exists():
        with system_scope():
            orders = hotline.receive_order(
                {
                    "order_no": "DEMO12345000001",
                    "title": "低保政策咨询并反映生活困难",
                    "content": "来电人反映家中老人重病，询问能否申请低保或临时救助",
                    "area_code": village,
                    "limit_at": (timezone.localtime() + timedelta(days=5)).isoformat(),
                    "caller_name": "王先生",
                },
                via="demo",
            ).created
    return {"contacts": contacts["added"] + contacts_b["added"], "events": events, "orders": int(orders)}
