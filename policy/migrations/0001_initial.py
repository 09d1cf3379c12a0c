"""The policy models moved here from the assistance app (issue 17): the tables stay as they are, only
Django's state moves; 0002 then gives the tables this app's own names."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("assistance", "0004_arrears_window"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PolicyDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="文件名称")),
                        ("number", models.CharField(blank=True, max_length=100, verbose_name="文号")),
                        ("issued_by", models.CharField(blank=True, max_length=100, verbose_name="发文机关")),
                        ("issued_on", models.DateField(blank=True, null=True, verbose_name="发文日期")),
                        ("file", models.FileField(blank=True, upload_to="policy/", verbose_name="文件")),
                    ],
                    options={
                        "db_table": "assistance_policydocument",
                        "verbose_name": "政策文件",
                        "verbose_name_plural": "政策文件",
                        "ordering": ["-issued_on", "title"],
                    },
                ),
                migrations.CreateModel(
                    name="PolicyParameter",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "area_code",
                            models.CharField(
                                blank=True,
                                db_index=True,
                                help_text="留空表示全国默认值",
                                max_length=12,
                                verbose_name="适用区划",
                            ),
                        ),
                        (
                            "key",
                            models.CharField(
                                choices=[
                                    ("dibao.standard_urban", "城市低保标准（元/人·月）"),
                                    ("dibao.standard_rural", "农村低保标准（元/人·月）"),
                                    ("dibao.benefit_method", "低保金计算方式（gap=补差，banded=分档）"),
                                    ("dibao.bands", "低保分档（人均收入占标准比例上限→每人每月金额）"),
                                    ("dibao.minimum_benefit", "低保最低保障金（元/人·月）"),
                                    ("dibao.rounding", "低保金取整（yuan=到元，fen=到分）"),
                                    ("edge.factor", "低保边缘收入倍数"),
                                    ("asset.deposit_months", "人均存款上限（相当于低保标准的月数）"),
                                    ("asset.max_vehicles", "机动车辆上限（辆，不含残疾人功能性补偿代步车）"),
                                    ("asset.max_houses", "住房套数上限"),
                                    ("income.excluded_kinds", "不计入家庭收入的项目"),
                                    ("review.stable_months", "收入稳定家庭复核周期（月）"),
                                    ("review.unstable_months", "收入不稳定或有劳动能力家庭复核周期（月）"),
                                    ("review.after_death_months", "成员死亡后复核期限（月）"),
                                    ("exit.gradual_months", "渐退期（月）"),
                                    ("tekun.basic_factor", "特困基本生活标准（低保标准的倍数）"),
                                    ("tekun.care_standards", "特困照料护理标准（元/人·月，按自理能力）"),
                                    ("tekun.spot_check_share", "特困县级抽查比例"),
                                    ("temporary.township_cap", "乡镇可审批临时救助上限（元）"),
                                    ("temporary.county_cap", "临时救助单次上限（元）"),
                                    ("disability.living_amount", "困难残疾人生活补贴（元/人·月）"),
                                    ("disability.care_amounts", "重度残疾人护理补贴（元/人·月，按残疾等级）"),
                                    ("child.orphan_amount", "孤儿基本生活费（元/人·月）"),
                                    ("child.unsupported_amount", "事实无人抚养儿童基本生活费（元/人·月）"),
                                    ("rigid.spending_share", "刚性支出占家庭收入比例下限"),
                                    ("enrolment.incompatible_pairs", "不得同时享受的救助项目"),
                                    ("payments.arrears_months", "迟批补发追溯期（月，按已审批名册补发）"),
                                ],
                                max_length=40,
                                verbose_name="参数",
                            ),
                        ),
                        (
                            "value",
                            models.JSONField(
                                help_text='金额写成字符串，如 "550.00"；分档等写成列表', verbose_name="取值"
                            ),
                        ),
                        ("effective_from", models.DateField(verbose_name="生效日期")),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="录入时间")),
                        (
                            "document",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to="policy.policydocument",
                                verbose_name="依据文件",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "assistance_policyparameter",
                        "verbose_name": "政策参数",
                        "verbose_name_plural": "政策参数",
                        "ordering": ["key", "area_code", "-effective_from"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("area_code", "key", "effective_from"), name="one_value_per_area_key_date"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
