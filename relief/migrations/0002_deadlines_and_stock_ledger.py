"""The reporting time limits in force (dated data, changed by adding rows) and the append-only
stock ledger."""

from datetime import date

from django.db import migrations

from core.append_only import AppendOnly

BASIS_INITIAL = (
    "自然灾害情况统计调查制度：县级灾害发生后2小时内初报；本平台取村1小时、乡镇核查上报1.5小时，为县级留出汇总时间"
)
BASIS_UPDATE = "自然灾害情况统计调查制度：灾情稳定前每日9时前报截至前一日24时灾情；村7时、乡镇8时"
BASIS_FINAL = "自然灾害情况统计调查制度：灾情稳定后核报；村1个工作日、乡镇2个工作日，县级随后核定上报"

DEADLINES = [
    ("village", "initial", "event_start", 60, None, BASIS_INITIAL),
    ("township", "initial", "event_start", 90, None, BASIS_INITIAL),
    ("village", "update", "next_day", 7 * 60, None, BASIS_UPDATE),
    ("township", "update", "next_day", 8 * 60, None, BASIS_UPDATE),
    ("village", "final", "stable", None, 1, BASIS_FINAL),
    ("township", "final", "stable", None, 2, BASIS_FINAL),
]


def add_deadlines(apps, schema_editor):
    ReportDeadline = apps.get_model("relief", "ReportDeadline")
    for level, stage, anchor, minutes, working_days, basis in DEADLINES:
        ReportDeadline.objects.get_or_create(
            level=level,
            stage=stage,
            effective_from=date(2020, 1, 1),
            defaults={"anchor": anchor, "minutes": minutes, "working_days": working_days, "basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [("relief", "0001_initial")]

    operations = [
        migrations.RunPython(add_deadlines, migrations.RunPython.noop),
        AppendOnly("relief_stockmovement"),
    ]
