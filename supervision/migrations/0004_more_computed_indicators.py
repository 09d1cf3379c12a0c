"""Three more computed indicators of the township office (公示异议成立数, 按期复核率, 名册发放差错率),
their weights taken from the existing ones so the total stays 100 — only where a county still has the
default weights (a changed weight is the county's choice and is left alone)."""

from decimal import Decimal

from django.db import migrations

NEW = [
    ("公示异议成立数", "objections_upheld", "lower", 5, "本月答复的公示异议中经复查成立的件数", 6),
    ("按期复核率", "reviews_on_time_rate", "higher", 5, "本月到期的复核案件在期限内出结果的比例", 6),
    ("名册发放差错率", "roll_error_rate", "lower", 5, "本月名册进入银行文件的明细中被银行退回失败的比例", 6),
]
# (computation or name, default weight, new weight): 15 points make room for the three above
REWEIGHT = [("supervisions_received", 10, 5), ("audit_findings", 10, 5), ("专项督查", 10, 5)]


def _match(Indicator, key):
    rows = Indicator.objects.filter(subject_type="township_office")
    return rows.filter(computation=key) if "_" in key else rows.filter(name=key, source="entered")


def forwards(apps, schema_editor):
    Indicator = apps.get_model("supervision", "Indicator")
    for name, computation, better, weight, description, order in NEW:
        Indicator.objects.get_or_create(
            subject_type="township_office",
            computation=computation,
            defaults={
                "name": name,
                "source": "computed",
                "better": better,
                "weight": Decimal(weight),
                "description": description,
                "sort_order": order,
            },
        )
    for key, before, after in REWEIGHT:
        _match(Indicator, key).filter(weight=Decimal(before)).update(weight=Decimal(after))


def backwards(apps, schema_editor):
    Indicator = apps.get_model("supervision", "Indicator")
    Indicator.objects.filter(subject_type="township_office", computation__in=[row[1] for row in NEW]).delete()
    for key, before, after in REWEIGHT:
        _match(Indicator, key).filter(weight=Decimal(after)).update(weight=Decimal(before))


class Migration(migrations.Migration):
    dependencies = [("supervision", "0003_roll_opinion_rule")]

    operations = [migrations.RunPython(forwards, backwards)]
