"""Column names: our ledger template's, and the many ways a bureau's own roster spells them.

A header cell is normalised (spaces, line breaks, full-width brackets, the '*' of required columns
and a '（元）' unit suffix removed) and then looked up in ALIASES.
"""

import re
from dataclasses import dataclass

from registry.models import Household, Person


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header in our template
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int = 12
    note: str = ""


# Our template, one row per person; household fields are read from the 户主 row.
TEMPLATE_COLUMNS = [
    Column("household_key", "户编号", ("户序号", "户号", "家庭编号", "家庭序号"), True, 10, "同一户的成员填同一个编号"),
    Column("relation", "与户主关系", ("关系", "与户主的关系", "家庭关系"), True, 12),
    Column("name", "姓名", ("成员姓名", "人员姓名"), True, 10),
    Column("id_number", "身份证号", ("公民身份号码", "身份证号码", "证件号码", "成员身份证号"), True, 22),
    Column("sex", "性别", (), False, 6, "可不填，以身份证号为准"),
    Column("ethnicity", "民族", (), False, 8),
    Column("phone", "联系电话", ("电话", "手机号码", "手机号", "联系方式"), False, 14),
    Column("marital_status", "婚姻状况", (), False, 10),
    Column("disability_type", "残疾类别", ("残疾类型",), False, 10),
    Column("disability_grade", "残疾等级", (), False, 8),
    Column("disability_certificate", "残疾证号", (), False, 22),
    Column("serious_illness", "重大疾病", (), False, 12),
    Column("labour_capacity", "劳动能力", (), False, 14),
    Column("employment", "就业状况", (), False, 10),
    Column("education", "文化程度", (), False, 10),
    Column(
        "area_code", "区划代码", ("所属区划代码", "行政区划代码", "统计用区划代码"), False, 16, "12位村（社区）代码"
    ),
    Column(
        "village",
        "所属村（社区）",
        ("所属社区", "所属村", "村（社区）", "村(居)委会", "村（居）委会", "社区"),
        False,
        14,
    ),
    Column("kind", "城乡类别", ("城乡属性", "户籍类型", "户口性质"), False, 10),
    Column("address", "家庭住址", ("住址", "家庭地址", "居住地址", "现住址"), False, 30, "户主行必填"),
    Column("bank_name", "开户银行", ("开户行",), False, 16),
    Column("bank_account_name", "银行账户名称", ("账户名称", "户名", "账户名", "持卡人姓名"), False, 10),
    Column("bank_account", "银行账号", ("银行帐号", "银行卡号", "账号", "帐号", "一卡通账号"), False, 24),
    Column("start_date", "入户日期", (), False, 12, "可不填，默认为导入当天"),
]

# The national system's roster (docs/domain.md §8), one row per household.
ROSTER_COLUMNS = [
    Column("head_name", "户主姓名", ("申请人姓名", "户主"), True),
    Column("head_id", "户主身份证号", ("户主身份证号码", "户主公民身份号码", "申请人身份证号")),
    Column("family_size", "家庭人口", ("家庭人口数", "家庭人数", "户人口数")),
    Column("member_names", "家庭成员姓名", ("成员姓名（家庭）",)),
    Column("member_ids", "家庭成员身份证号", ("家庭成员身份证号码", "家庭成员公民身份号码")),
    Column("member_relations", "家庭成员与户主关系", ("成员与户主关系",)),
    Column("township", "所属街道", ("所属乡镇", "所属乡镇（街道）", "乡镇（街道）", "街道", "乡镇")),
]

# What a take-on (存量保障对象导入) reads into the ledger: one enrolment per household row.
TAKEON_COLUMNS = [
    Column("covered_members", "保障人口", ("保障人数", "享受人数", "保障人口数", "特困人员数", "救助人数")),
    Column(
        "monthly_amount",
        "户月保障金额",
        ("月保障金额", "户月救助金额", "月救助金额", "保障金额", "低保金", "月发放金额", "补贴金额", "发放金额"),
    ),
    Column("basic_living", "基本生活总费用", ("基本生活费", "基本生活标准")),
    Column("care_cost", "照料护理总费用", ("照料护理费", "照料护理标准", "护理补贴")),
    Column("classified_extra", "分类施保总额", ("分类施保金额", "分类施保", "分类施保金")),
    Column("row_total", "合计", ("月合计", "合计金额", "月发放合计", "发放合计")),
    Column(
        "start_month",
        "最初享受月",
        ("最初享受月份", "享受起始月", "起始发放月", "开始享受时间", "纳入时间", "纳入保障时间", "救助起始时间"),
    ),
    Column("certificate_number", "低保（特困）证号", ("低保证号", "特困证号", "低保证编号", "证号", "救助证号")),
    Column("care_arrangement", "供养方式", ("供养形式",)),
    Column("payee_name", "收款人姓名", ("领款人姓名", "代领人姓名", "代领人", "收款人")),
    Column("payee_id", "收款人身份证号", ("领款人身份证号", "代领人身份证号", "收款人身份证号码", "账户身份证号")),
    Column("tier", "分档类型", ("保障档次", "救助金计算方式", "分档", "档次")),
    Column("remarks", "备注", ("说明",)),
]

# Columns of real rosters the platform knows but does not keep (totals, incomes, the row number,
# the province/city/county names above the township): listed as ignored in every result.
KNOWN_UNUSED = (
    "序号",
    "排序序号",
    "编号",
    "家庭年总收入",
    "家庭年均收入",
    "家庭月人均收入",
    "金融资产总额",
    "住房套数",
    "住房面积",
    "住房套数/面积",
    "申请原因",
    "所属省",
    "所属市",
    "所属区县",
    "所属县",
    "所属区",
    "村(居)民小组",
    "村民小组",
    "务工地点",
    "乘坐交通工具",
    "补贴标准",
    "填报日期",
)
IGNORE = ""  # the key of a column the clerk chose to ignore

ALL_COLUMNS = {column.key: column for column in TEMPLATE_COLUMNS + ROSTER_COLUMNS + TAKEON_COLUMNS}
MONEY_KEYS = ("monthly_amount", "basic_living", "care_cost", "classified_extra", "row_total")

_BRACKETS = str.maketrans({"（": "(", "）": ")", "\n": "", "\r": "", " ": "", "\u3000": "", "*": "", "＊": ""})


def normalise_header(value) -> str:
    header = str(value or "").translate(_BRACKETS)
    return re.sub(r"\((元|元/月|元/户·月|万元|人|户|平方米|㎡|月|年月)\)$", "", header)


ALIASES: dict[str, str] = {}
for _column in TEMPLATE_COLUMNS + ROSTER_COLUMNS + TAKEON_COLUMNS:
    for _name in (_column.label, *_column.aliases):
        ALIASES.setdefault(normalise_header(_name), _column.key)
UNUSED = frozenset(normalise_header(name) for name in KNOWN_UNUSED)


def label_of(key: str) -> str:
    column = ALL_COLUMNS.get(key)
    return column.label if column else key


def mapping_choices() -> list[tuple[str, str]]:
    """(key, label) of every field a file column can be mapped to, for the mapping step."""
    return [(column.key, column.label) for column in TEMPLATE_COLUMNS + ROSTER_COLUMNS + TAKEON_COLUMNS]


# Drop-down lists: label → code. Extra spellings clerks use are accepted on import.
def _options(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    options = {str(label): str(code) for code, label in choices if str(label) != "无" or code}
    return options | (extra or {})


SEX_OPTIONS = {"男": "M", "女": "F", "男性": "M", "女性": "F"}
KIND_OPTIONS = _options(Household.Kind.choices, {"城市": "urban", "非农业": "urban", "农业": "rural", "乡村": "rural"})
KIND_OPTIONS |= {"城市低保": "urban", "农村低保": "rural", "城市特困": "urban", "农村特困": "rural", "城镇": "urban"}
KIND_OPTIONS |= {"居民户口": "urban", "农业户口": "rural", "非农业户口": "urban"}
CARE_OPTIONS = {"分散供养": "dispersed", "集中供养": "centralised", "分散": "dispersed", "集中": "centralised"}
MARITAL_OPTIONS = _options(Person.MaritalStatus.choices, {"初婚": "20", "再婚": "20", "有配偶": "20"})
DISABILITY_OPTIONS = _options(Person.DisabilityType.choices) | {
    label.removesuffix("残疾"): code for code, label in Person.DisabilityType.choices if code
}
DISABILITY_OPTIONS |= {"无": "", "否": ""}
GRADE_OPTIONS = {f"{g}级": str(g) for g in range(1, 5)} | {
    f"{c}级": str(g) for g, c in zip(range(1, 5), "一二三四", strict=True)
}
GRADE_OPTIONS |= {str(g): str(g) for g in range(1, 5)}
LABOUR_OPTIONS = _options(Person.LabourCapacity.choices, {"丧失劳动能力": "none", "部分丧失": "partial"})
EMPLOYMENT_OPTIONS = _options(Person.Employment.choices, {"学生": "student", "无业": "unemployed"})
EDUCATION_OPTIONS = _options(Person.Education.choices, {"文盲": "none", "中专": "senior", "高中": "senior"})

# What the template's drop-downs list (only our own labels, not every accepted spelling).
DROPDOWNS = {
    "sex": ["男", "女"],
    "kind": [str(label) for _code, label in Household.Kind.choices],
    "marital_status": [str(label) for _code, label in Person.MaritalStatus.choices],
    "disability_type": [str(label) for _code, label in Person.DisabilityType.choices],
    "disability_grade": ["1级", "2级", "3级", "4级"],
    "labour_capacity": [str(label) for _code, label in Person.LabourCapacity.choices],
    "employment": [str(label) for _code, label in Person.Employment.choices],
    "education": [str(label) for _code, label in Person.Education.choices],
}
