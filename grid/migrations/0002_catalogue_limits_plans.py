"""Reference data: the event catalogue, the time limits per level (local rules; administrators edit
them, dated), the visit plans per category, and the event log made append-only."""

from datetime import date

from django.db import migrations

from core.append_only import AppendOnly

CATEGORIES = [
    ("hardship", "生活困难", "normal"),
    ("elderly_alone", "独居老人无人照料", "urgent"),
    ("child_unguarded", "儿童无人监护", "urgent"),
    ("housing_danger", "住房安全隐患", "urgent"),
    ("dispute", "矛盾纠纷", "normal"),
    ("public_facility", "公共设施损坏", "normal"),
    ("illness", "突发重病", "urgent"),
    ("hotline", "12345热线工单", "normal"),
    ("other", "其他", "normal"),
]
FROM = date(2026, 1, 1)
BASIS = "县网格化服务管理办法（本地规定，可由管理员修改）"
# level: (ordinary: working days, urgent: clock hours)
LIMITS = {
    "grid": (2, 4),
    "village": (3, 8),
    "township": (5, 24),
    "county": (10, 48),
    "hotline": (15, 72),
    "police": (None, 1),
}
PLANS = [
    ("tekun", "特困分散供养", 30),
    ("dibao", "低保家庭", 90),
    ("edge", "低保边缘家庭", 90),
    ("rigid_spending", "刚性支出困难家庭", 90),
    ("elderly_alone", "独居老人", 7),
    ("other", "其他包户家庭", 180),
]


def load(apps, schema_editor):
    EventCategory = apps.get_model("grid", "EventCategory")
    TriageLimit = apps.get_model("grid", "TriageLimit")
    VisitPlan = apps.get_model("grid", "VisitPlan")
    for order, (code, name, urgency) in enumerate(CATEGORIES):
        EventCategory.objects.get_or_create(
            code=code, defaults={"name": name, "default_urgency": urgency, "order": order * 10}
        )
    for level, (days, hours) in LIMITS.items():
        for urgency in ("normal", "urgent", "emergency"):
            if urgency == "normal" and days is not None:
                values = {"working_days": days}
            else:
                values = {"hours": hours if urgency == "urgent" else 1}
            TriageLimit.objects.get_or_create(
                level=level, urgency=urgency, effective_from=FROM, defaults={**values, "basis": BASIS}
            )
    for category, label, days in PLANS:
        VisitPlan.objects.get_or_create(
            category=category, effective_from=FROM, defaults={"label": label, "every_days": days, "basis": BASIS}
        )


class Migration(migrations.Migration):
    dependencies = [("grid", "0001_events_hotline_visits")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        AppendOnly("grid_eventstep"),
    ]
