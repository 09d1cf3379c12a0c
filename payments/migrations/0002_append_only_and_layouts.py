"""Fund entries and line corrections are append-only in the database; bank layout presets
(docs/domain.md §8: the bank 代发 `|` file with its summary line, the 一卡通 roster)."""

from django.db import migrations

from core.append_only import AppendOnly

DAIFA_COLUMNS = [
    {"field": "ref", "title": "业务流水号"},
    {"field": "name", "title": "姓名"},
    {"field": "amount", "title": "金额"},
    {"field": "account", "title": "账号"},
    {"field": "unit", "title": "单位"},
    {"field": "id_type", "title": "证件类型"},
    {"field": "id_number", "title": "证件号码"},
    {"field": "times", "title": "次数"},
]
YIKATONG_COLUMNS = [
    {"field": "seq", "title": "排序序号"},
    {"field": "head_name", "title": "户主姓名"},
    {"field": "head_id_number", "title": "户主身份证号"},
    {"field": "name", "title": "收款人姓名"},
    {"field": "id_number", "title": "收款人身份证号"},
    {"field": "account", "title": "银行账号"},
    {"field": "bank_name", "title": "开户银行"},
    {"field": "village", "title": "村(居)委会"},
    {"field": "blank", "title": "村(居)民小组"},
    {"field": "beneficiary_name", "title": "享受人"},
    {"field": "beneficiary_id_number", "title": "享受人身份证号"},
    {"field": "blank", "title": "联系电话"},
    {"field": "blank", "title": "务工地点"},
    {"field": "blank", "title": "乘坐交通工具"},
    {"field": "standard", "title": "补贴标准"},
    {"field": "amount", "title": "补贴金额"},
    {"field": "date_dash", "title": "填报日期"},
    {"field": "remark", "title": "备注"},
]
FIXED_COLUMNS = [
    {"field": "ref", "width": 13},
    {"field": "account", "width": 32},
    {"field": "name", "width": 30},
    {"field": "amount_fen", "width": 15, "align": "r", "fill": "0"},
    {"field": "id_number", "width": 18},
]
RETURN = ["ref", "name", "amount", "account", "result", "message"]
SUCCESS = ["0", "00", "0000", "S", "成功"]

PRESETS = [
    {
        "code": "bank-daifa-pipe",
        "name": "银行代发文本（|分隔，首行汇总，GBK）",
        "format": "delimited",
        "encoding": "gbk",
        "allow_gb18030": False,
        "delimiter": "|",
        "trailing_delimiter": True,
        "line_ending": "\r\n",
        "summary": "first",
        "summary_template": "1|1|{date}|{unit}|1|1|{count}|{total}|",
        "columns": DAIFA_COLUMNS,
    },
    {
        "code": "bank-daifa-pipe-gb18030",
        "name": "银行代发文本（|分隔，首行汇总，生僻字GB18030）",
        "format": "delimited",
        "encoding": "gbk",
        "allow_gb18030": True,
        "delimiter": "|",
        "trailing_delimiter": True,
        "line_ending": "\r\n",
        "summary": "first",
        "summary_template": "1|1|{date}|{unit}|1|1|{count}|{total}|",
        "columns": DAIFA_COLUMNS,
    },
    {
        "code": "yikatong-xlsx",
        "name": "惠民惠农一卡通发放花名册（Excel）",
        "format": "xlsx",
        "encoding": "utf-8",
        "delimiter": "",
        "header_row": True,
        "columns": YIKATONG_COLUMNS,
    },
    {
        "code": "yikatong-csv",
        "name": "惠民惠农一卡通发放花名册（CSV，GB18030）",
        "format": "csv",
        "encoding": "gb18030",
        "delimiter": ",",
        "header_row": True,
        "columns": YIKATONG_COLUMNS,
    },
    {
        "code": "fixed-width-demo",
        "name": "定长文本示例（末行汇总）",
        "format": "fixed",
        "encoding": "gbk",
        "allow_gb18030": True,
        "delimiter": "",
        "summary": "last",
        "summary_template": "T{count:08d}{total_fen:015d}",
        "columns": FIXED_COLUMNS,
    },
]


def add_presets(apps, schema_editor):
    BankLayout = apps.get_model("payments", "BankLayout")
    for preset in PRESETS:
        fields = {"return_columns": RETURN, "return_success_codes": SUCCESS, **preset}
        BankLayout.objects.update_or_create(code=preset["code"], defaults=fields)


def remove_presets(apps, schema_editor):
    apps.get_model("payments", "BankLayout").objects.filter(code__in=[p["code"] for p in PRESETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_funds_rolls_bank_files")]

    operations = [
        AppendOnly("payments_fundentry"),
        AppendOnly("payments_linecorrection"),
        migrations.RunPython(add_presets, remove_presets),
    ]
