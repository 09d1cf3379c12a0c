"""Bank layouts with their unit code, reference format and banks; a file per bank whose lines it
claims; returns read by a named reading; the 一卡通 payee rule as a roll issue."""

import django.db.models.deletion
from django.db import migrations, models

# Files exported before a file claimed its banks: each roll's first file claims every bank of its
# bank-file lines, and a line held for the counter leaves the bank file for good.
RELEASE_MANUAL = "UPDATE payments_rollline SET in_bank_file = FALSE WHERE hold_reason = 'manual_name'"

# one 代发 layout per bank the demo county's households bank with; the county's administrator
# fills in the unit code the bank gave it (payments/layouts/)
PER_BANK = [
    ("rcb-daifa-pipe", "农商银行代发文本（|分隔，首行汇总）", ["农村商业"]),
    ("psbc-daifa-pipe", "邮储银行代发文本（|分隔，首行汇总）", ["邮政储蓄"]),
]


def claim_banks(apps, schema_editor):
    BankFile = apps.get_model("payments", "BankFile")
    RollLine = apps.get_model("payments", "RollLine")
    first = {}
    for bank_file in BankFile.objects.order_by("pk"):
        first.setdefault(bank_file.roll_id, bank_file)
    for roll_id, bank_file in first.items():
        names = RollLine.objects.filter(roll_id=roll_id, in_bank_file=True).values_list("bank_name", flat=True)
        bank_file.banks = sorted(set(names.distinct()))
        bank_file.save(update_fields=["banks"])


def add_bank_presets(apps, schema_editor):
    BankLayout = apps.get_model("payments", "BankLayout")
    base = BankLayout.objects.filter(code="bank-daifa-pipe").values().first()
    if base is None:
        return
    base.pop("id")
    for code, name, keywords in PER_BANK:
        fields = {**base, "code": code, "name": name, "bank_keywords": keywords}
        fields["summary_template"] = "1|1|{date}|{unit_code}|1|1|{count}|{total}|"
        BankLayout.objects.get_or_create(code=code, defaults=fields)


def remove_bank_presets(apps, schema_editor):
    apps.get_model("payments", "BankLayout").objects.filter(code__in=[c for c, _n, _k in PER_BANK]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0006_hold_deceased"),
    ]

    operations = [
        migrations.AddField(
            model_name="bankfile",
            name="banks",
            field=models.JSONField(default=list, verbose_name="开户银行"),
        ),
        migrations.AddField(
            model_name="bankfile",
            name="pay_date",
            field=models.DateField(null=True, verbose_name="发放日期"),
        ),
        migrations.AddField(
            model_name="banklayout",
            name="bank_keywords",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="开户银行名称含其中任一词的明细写入本版式的文件；留空为全部银行（如一卡通花名册）",
                verbose_name="适用开户银行",
            ),
        ),
        migrations.AddField(
            model_name="banklayout",
            name="reference_format",
            field=models.CharField(
                default="{roll_id:06d}{seq:07d}",
                help_text="可用 {roll_id} 名册号、{seq} 行号、{unit_code} 单位代码、{date} 发放日期；须含 {seq}",
                max_length=100,
                verbose_name="业务流水号格式",
            ),
        ),
        migrations.AddField(
            model_name="banklayout",
            name="return_header_rows",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="银行回盘标题行数"),
        ),
        migrations.AddField(
            model_name="banklayout",
            name="unit_code",
            field=models.CharField(
                blank=True, help_text="银行分配给代发单位的代码", max_length=40, verbose_name="单位代码"
            ),
        ),
        migrations.AddField(
            model_name="bankreturn",
            name="bank_file",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="returns", to="payments.bankfile"
            ),
        ),
        migrations.AddField(
            model_name="bankreturn",
            name="reading",
            field=models.CharField(blank=True, max_length=10, verbose_name="读法"),
        ),
        migrations.AlterField(
            model_name="banklayout",
            name="return_columns",
            field=models.JSONField(
                default=list,
                help_text="银行自己的回盘文件各列含义，如 ref,name,amount,account,result,message",
                verbose_name="银行回盘文件列",
            ),
        ),
        migrations.AlterField(
            model_name="rollissue",
            name="code",
            field=models.CharField(
                choices=[
                    ("deceased", "死亡后仍在发放"),
                    ("double_payment", "同一对象同一月份重复发放"),
                    ("payee_rule", "收款人不是享受人或户主且未登记代领理由"),
                ],
                max_length=20,
                verbose_name="问题",
            ),
        ),
        migrations.RunSQL(RELEASE_MANUAL, migrations.RunSQL.noop),
        migrations.RunPython(claim_banks, migrations.RunPython.noop),
        migrations.RunPython(add_bank_presets, remove_bank_presets),
    ]
