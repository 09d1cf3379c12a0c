"""Department data sources (部门数据源) and their declared schemas.

Each source says which column of the delivered file is the citizen ID, which is the amount, which
the date, which the kind and which the source's own record number (plate, certificate, credit
code). A delivered file is read by these declarations only; extra columns are kept in `attrs`.
Every row lands in one generic table (`DatasetRow`: batch, source, id_number, kind, amount,
event_date, ref, attrs) indexed on (id_number, source) — docs/decisions/0009-verification.md.

Schemas are code, versioned with the code: a department that changes its layout is a reviewed
change here, with a test, not a setting a clerk edits.
"""

from dataclasses import dataclass, field

ID, NAME, AMOUNT, DATE, KIND, REF, TEXT = "id", "name", "amount", "date", "kind", "ref", "text"


@dataclass(frozen=True)
class Column:
    header: str
    type: str  # ID / NAME / AMOUNT / DATE / KIND / REF / TEXT (TEXT goes to attrs[key])
    required: bool = True
    key: str = ""  # attrs key for TEXT columns
    aliases: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class Source:
    code: str
    name: str
    department: str
    columns: tuple[Column, ...]
    amount_label: str = ""
    date_label: str = ""
    default_kind: str = ""
    sensitive: bool = False  # MZ/T 073: financial and health data are sensitive
    notes: str = ""
    kinds: dict[str, str] = field(default_factory=dict)  # delivered value → stored kind code

    def column(self, type_: str) -> Column | None:
        return next((c for c in self.columns if c.type == type_), None)


def _id(header: str = "身份证号") -> Column:
    aliases = ("身份证号", "公民身份号码", "身份证号码", "证件号码")
    return Column(header, ID, aliases=tuple(a for a in aliases if a != header))


def _name() -> Column:
    return Column("姓名", NAME, required=False)


SOURCES: dict[str, Source] = {
    s.code: s
    for s in (
        Source(
            "death",
            "死亡人员信息",
            "公安",
            (_id(), _name(), Column("死亡日期", DATE), Column("死亡原因", TEXT, False, "cause")),
            date_label="死亡日期",
            default_kind="death",
        ),
        Source(
            "hukou",
            "户籍变动信息",
            "公安",
            (_id(), _name(), Column("变动类型", KIND), Column("变动日期", DATE), Column("户号", REF, False)),
            date_label="变动日期",
            kinds={"迁出": "moved_out", "迁入": "moved_in", "注销": "cancelled", "分户": "split"},
        ),
        Source(
            "wage",
            "工资收入",
            "人社",
            (
                _id(),
                _name(),
                Column("所属月份", DATE),
                Column("应发工资", AMOUNT),
                Column("单位名称", TEXT, False, "employer"),
            ),
            amount_label="月工资（元）",
            date_label="所属月份",
            default_kind="wage",
            sensitive=True,
        ),
        Source(
            "pension",
            "养老金发放",
            "人社",
            (_id(), _name(), Column("发放月份", DATE), Column("养老金金额", AMOUNT), Column("险种", KIND, False)),
            amount_label="月养老金（元）",
            date_label="发放月份",
            default_kind="pension",
            kinds={"城乡居民基本养老保险": "pension_basic", "企业职工基本养老保险": "pension_employee"},
            sensitive=True,
        ),
        Source(
            "social_insurance",
            "社会保险参保与失业登记",
            "人社",
            (_id(), _name(), Column("参保状态", KIND), Column("日期", DATE), Column("缴费基数", AMOUNT, False)),
            amount_label="缴费基数（元）",
            date_label="日期",
            kinds={"参保缴费": "paying", "失业登记": "unemployed", "停保": "stopped"},
        ),
        Source(
            "real_estate",
            "不动产登记",
            "自然资源（不动产）",
            (
                _id("权利人身份证号"),
                _name(),
                Column("不动产权证号", REF),
                Column("登记日期", DATE),
                Column("建筑面积", AMOUNT, False),
                Column("用途", KIND, False),
            ),
            amount_label="建筑面积（㎡）",
            date_label="登记日期",
            default_kind="house",
            kinds={"住宅": "house", "商业": "commercial", "车位": "parking"},
        ),
        Source(
            "vehicle",
            "机动车登记",
            "公安（车管）",
            (
                _id("所有人身份证号"),
                _name(),
                Column("号牌号码", REF),
                Column("初次登记日期", DATE),
                Column("车辆类型", KIND, False),
                Column("购置价格", AMOUNT, False),
            ),
            amount_label="购置价格（元）",
            date_label="初次登记日期",
            default_kind="car",
            kinds={"小型汽车": "car", "摩托车": "motorcycle", "残疾人专用车": "disabled_mobility", "货车": "truck"},
            notes="残疾人功能性补偿代步机动车不计入车辆上限",
        ),
        Source(
            "business",
            "市场主体登记",
            "市场监管",
            (
                _id("投资人身份证号"),
                _name(),
                Column("统一社会信用代码", REF),
                Column("成立日期", DATE),
                Column("注册资本", AMOUNT, False),
                Column("登记状态", KIND, False),
            ),
            amount_label="注册资本（元）",
            date_label="成立日期",
            default_kind="active",
            kinds={"存续": "active", "在业": "active", "注销": "closed", "吊销": "closed"},
        ),
        Source(
            "tax",
            "个人所得纳税",
            "税务",
            (_id(), _name(), Column("所属期", DATE), Column("收入额", AMOUNT), Column("所得项目", KIND, False)),
            amount_label="收入额（元）",
            date_label="所属期",
            default_kind="income",
            sensitive=True,
        ),
        Source(
            "housing_fund",
            "住房公积金缴存",
            "住房公积金中心",
            (_id(), _name(), Column("缴存月份", DATE), Column("月缴存额", AMOUNT), Column("缴存状态", KIND, False)),
            amount_label="月缴存额（元）",
            date_label="缴存月份",
            default_kind="paying",
            sensitive=True,
        ),
        Source(
            "medical",
            "大额医疗费用",
            "医保",
            (
                _id(),
                _name(),
                Column("结算日期", DATE),
                Column("医疗总费用", AMOUNT),
                Column("个人自付", TEXT, False, "self_pay"),
                Column("疾病诊断", TEXT, False, "diagnosis"),
            ),
            amount_label="医疗总费用（元）",
            date_label="结算日期",
            default_kind="bill",
            sensitive=True,
        ),
        Source(
            "disaster",
            "灾害损失",
            "应急管理",
            (
                _id("户主身份证号"),
                _name(),
                Column("受灾日期", DATE),
                Column("损失金额", AMOUNT),
                Column("灾种", KIND, False),
            ),
            amount_label="直接经济损失（元）",
            date_label="受灾日期",
            default_kind="loss",
        ),
        Source(
            "disability",
            "残疾人证核发",
            "残联",
            (
                _id(),
                _name(),
                Column("发证日期", DATE),
                Column("残疾等级", KIND),
                Column("残疾类别", TEXT, False, "type"),
            ),
            date_label="发证日期",
            kinds={"一级": "grade1", "二级": "grade2", "三级": "grade3", "四级": "grade4"},
            sensitive=True,
        ),
        Source(
            "education",
            "在校生学费",
            "教育",
            (
                _id("学生身份证号"),
                _name(),
                Column("学年开始日期", DATE),
                Column("学费", AMOUNT),
                Column("学段", KIND, False),
            ),
            amount_label="学费（元/年）",
            date_label="学年开始日期",
            default_kind="tuition",
        ),
        Source(
            "marriage",
            "婚姻登记",
            "民政（婚姻登记）",
            (
                _id(),
                _name(),
                Column("登记日期", DATE),
                Column("登记类型", KIND),
                Column("对方身份证号", TEXT, False, "partner"),
            ),
            date_label="登记日期",
            kinds={"结婚登记": "married", "离婚登记": "divorced"},
        ),
        Source(
            "funeral",
            "殡葬火化",
            "民政（殡葬）",
            (_id("逝者身份证号"), _name(), Column("火化日期", DATE), Column("殡仪馆", TEXT, False, "home")),
            date_label="火化日期",
            default_kind="cremated",
        ),
        Source(
            "deposit",
            "金融资产",
            "银行、证券、保险机构",
            (
                _id(),
                _name(),
                Column("查询日期", DATE),
                Column("金融资产余额", AMOUNT),
                Column("机构", TEXT, False, "bank"),
            ),
            amount_label="金融资产余额（元）",
            date_label="查询日期",
            default_kind="balance",
            sensitive=True,
            notes="核对报告只报告是否超过上限，不显示金额",
        ),
    )
}

SOURCE_CHOICES = [(s.code, f"{s.department}·{s.name}") for s in SOURCES.values()]


def get_source(code: str) -> Source:
    from core.errors import DomainError
    from verification.errors import VerificationCode

    try:
        return SOURCES[code]
    except KeyError:
        raise DomainError(VerificationCode.UNKNOWN_SOURCE, f"未知的数据源：{code}") from None
