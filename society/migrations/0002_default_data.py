"""Reference data the society line starts with: which public programmes meet which kind of need, the
open-village-affairs catalogue, the self-governance criteria, the rating validity and the annual
report deadlines. All of it is data: a county edits it in the admin, never in code."""

from datetime import date

from django.db import migrations

COVERAGE = [
    ("living", "dibao"),
    ("living", "tekun"),
    ("living", "temporary_emergency"),
    ("living", "temporary_spending"),
    ("living", "orphan"),
    ("living", "unsupported_child"),
    ("living", "child_difficulty"),
    ("living", "disaster_relief"),
    ("medical", "temporary_spending"),
    ("education", "temporary_spending"),
    ("care", "disability_care"),
    ("care", "elderly_care"),
    ("care", "home_care"),
    ("housing", "disaster_relief"),
]
BASIS = "村民委员会组织法第三十条"
CATALOGUE = [
    ("finance", "村（居）财务收支", "monthly", 10, BASIS + "：财务往来较多的，财务收支情况每月公布", 10),
    ("assistance", "低保、特困等社会救助对象及金额", "quarterly", 10, BASIS + "；最低生活保障审核确认办法", 20),
    ("subsidies", "各类惠农补贴发放", "quarterly", 15, BASIS, 30),
    ("projects", "村级工程项目建设", "quarterly", 15, BASIS, 40),
    ("plan", "年度工作计划与完成情况", "yearly", 31, BASIS, 50),
    ("decisions", "村民会议、村民代表会议决定事项", "occurrence", 5, BASIS + "：涉及村民利益的重大事项随时公布", 60),
    ("land", "宅基地审批、土地征收补偿", "occurrence", 5, BASIS, 70),
]
CRITERIA = [
    ("elections", "民主选举：换届选举依法有序", "20", "entered", 10),
    ("meetings", "民主决策：村民（代表）会议按期召开", "20", "entered", 20),
    ("rules", "民主管理：村规民约、居民公约健全", "20", "entered", 30),
    ("disclosure", "民主监督：村务公开按期率", "25", "disclosure", 40),
    ("supervision", "民主监督：村务监督委员会履职", "15", "entered", 50),
]


def load(apps, schema_editor):
    NeedCoverage = apps.get_model("society", "NeedCoverage")
    DisclosureItem = apps.get_model("society", "DisclosureItem")
    GovernanceCriterion = apps.get_model("society", "GovernanceCriterion")
    RatingValidity = apps.get_model("society", "RatingValidity")
    AnnualReportDeadline = apps.get_model("society", "AnnualReportDeadline")
    for kind, programme in COVERAGE:
        NeedCoverage.objects.get_or_create(kind=kind, programme=programme)
    for code, name, frequency, grace, basis, order in CATALOGUE:
        DisclosureItem.objects.get_or_create(
            code=code,
            defaults={"name": name, "frequency": frequency, "grace_days": grace, "basis": basis, "order": order},
        )
    for code, name, weight, source, order in CRITERIA:
        GovernanceCriterion.objects.get_or_create(
            code=code, defaults={"name": name, "weight": weight, "source": source, "order": order}
        )
    RatingValidity.objects.get_or_create(
        effective_from=date(2011, 3, 1), defaults={"years": 5, "basis": "社会组织评估管理办法（民政部令第39号）第五条"}
    )
    for year in range(2022, 2031):
        AnnualReportDeadline.objects.get_or_create(
            year=year, defaults={"due_on": date(year + 1, 5, 31), "basis": "社会组织年度报告：次年5月31日前报送"}
        )


class Migration(migrations.Migration):
    dependencies = [("society", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
