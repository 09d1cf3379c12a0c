"""The default rectification period and the default indicators (each county may change them)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

# (subject type, name, source, computation, better, weight, description)
INDICATORS = [
    (
        "township_office",
        "环节按时办结率",
        "computed",
        "step_on_time_rate",
        "higher",
        25,
        "本月办结的环节中按期办结的比例",
    ),
    ("township_office", "超期环节数", "computed", "overdue_steps", "lower", 10, "本月到期而未按期办结的环节"),
    ("township_office", "被督办次数", "computed", "supervisions_received", "lower", 10, "本月收到的督办"),
    (
        "township_office",
        "转办限时答复率",
        "computed",
        "transfers_on_time_rate",
        "higher",
        10,
        "本月到期的转办、会办按期答复的比例",
    ),
    (
        "township_office",
        "被退回补正次数",
        "computed",
        "returns_for_correction",
        "lower",
        5,
        "本单位办理后报上一环节的办件本月被退回补正的次数",
    ),
    ("township_office", "稽查发现问题数", "computed", "audit_findings", "lower", 10, "本月稽查发现的问题"),
    (
        "township_office",
        "整改按期完成率",
        "computed",
        "rectification_on_time_rate",
        "higher",
        10,
        "本月到期的整改按期报送的比例",
    ),
    ("township_office", "日常考勤", "entered", "", "higher", 5, "按考勤记录评分"),
    ("township_office", "平时检查", "entered", "", "higher", 5, "按平时检查记录评分"),
    ("township_office", "专项督查", "entered", "", "higher", 10, "按专项督查结果评分"),
    (
        "county_section",
        "环节按时办结率",
        "computed",
        "step_on_time_rate",
        "higher",
        30,
        "本月办结的环节中按期办结的比例",
    ),
    ("county_section", "超期环节数", "computed", "overdue_steps", "lower", 15, "本月到期而未按期办结的环节"),
    ("county_section", "被督办次数", "computed", "supervisions_received", "lower", 15, "本月收到的督办"),
    (
        "county_section",
        "转办限时答复率",
        "computed",
        "transfers_on_time_rate",
        "higher",
        10,
        "本月到期的转办、会办按期答复的比例",
    ),
    (
        "county_section",
        "整改按期完成率",
        "computed",
        "rectification_on_time_rate",
        "higher",
        10,
        "本月到期的整改按期报送的比例",
    ),
    ("county_section", "日常考勤", "entered", "", "higher", 10, "按考勤记录评分"),
    ("county_section", "专项督查", "entered", "", "higher", 10, "按专项督查结果评分"),
    (
        "livelihood_worker",
        "本人环节按时办结率",
        "computed",
        "person_step_on_time_rate",
        "higher",
        30,
        "本人本月办结的环节中按期办结的比例",
    ),
    ("livelihood_worker", "本人超期办结环节数", "computed", "person_late_steps", "lower", 10, "本人本月超期办结的环节"),
    (
        "livelihood_worker",
        "预警按期走访率",
        "computed",
        "warnings_visited_on_time_rate",
        "higher",
        30,
        "本月到期的低收入人口预警按期走访的比例",
    ),
    ("livelihood_worker", "日常考勤", "entered", "", "higher", 15, "按考勤记录评分"),
    ("livelihood_worker", "平时检查", "entered", "", "higher", 15, "按平时检查记录评分"),
    (
        "staff",
        "本人环节按时办结率",
        "computed",
        "person_step_on_time_rate",
        "higher",
        50,
        "本人本月办结的环节中按期办结的比例",
    ),
    ("staff", "本人超期办结环节数", "computed", "person_late_steps", "lower", 20, "本人本月超期办结的环节"),
    ("staff", "日常考勤", "entered", "", "higher", 30, "按考勤记录评分"),
]


def create(apps, schema_editor):
    RectificationPolicy = apps.get_model("supervision", "RectificationPolicy")
    Indicator = apps.get_model("supervision", "Indicator")
    RectificationPolicy.objects.get_or_create(
        effective_from=date(2020, 1, 1), defaults={"limit_working_days": 15, "escalate_every_wd": 3, "max_level": 3}
    )
    if not Indicator.objects.exists():
        Indicator.objects.bulk_create(
            Indicator(
                subject_type=subject_type,
                name=name,
                source=source,
                computation=computation,
                better=better,
                weight=Decimal(weight),
                description=description,
                sort_order=order,
            )
            for order, (subject_type, name, source, computation, better, weight, description) in enumerate(INDICATORS)
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
