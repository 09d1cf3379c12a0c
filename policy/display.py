"""Policy values as a clerk reads them (政策参数的中文表述): "700.00元/人·月", "补差", "低保 与 特困",
never the stored JSON."""

from decimal import Decimal, InvalidOperation

from policy.programmes import IncomeKind, ParameterKey, Programme
from policy.rules import SELF_CARE_LABELS

K = ParameterKey
METHODS = {"gap": "补差", "banded": "分档"}
ROUNDING = {"yuan": "到元", "fen": "到分"}
GRADES = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}
YUAN = {
    K.DIBAO_STANDARD_URBAN,
    K.DIBAO_STANDARD_RURAL,
    K.DIBAO_MINIMUM_BENEFIT,
    K.TEMPORARY_TOWNSHIP_CAP,
    K.TEMPORARY_COUNTY_CAP,
    K.DISABILITY_LIVING_AMOUNT,
    K.ORPHAN_AMOUNT,
    K.UNSUPPORTED_CHILD_AMOUNT,
    K.CHILD_DIFFICULTY_AMOUNT,
}
MONTHS = {
    K.ASSET_DEPOSIT_MONTHS,
    K.REVIEW_STABLE_MONTHS,
    K.REVIEW_UNSTABLE_MONTHS,
    K.REVIEW_AFTER_DEATH_MONTHS,
    K.GRADUAL_EXIT_MONTHS,
    K.ARREARS_MONTHS,
}
TIMES = {K.EDGE_FACTOR, K.TEKUN_BASIC_FACTOR}
SHARES = {K.TEKUN_SPOT_CHECK_SHARE, K.RIGID_SPENDING_SHARE}
RISKS = {"high": "高风险", "medium": "中风险", "low": "低风险"}
COUNTS = {
    K.CHILD_REPORT_HOURS: "小时",
    K.ASSET_MAX_VEHICLES: "辆",
    K.ASSET_MAX_HOUSES: "套",
    K.TEKUN_ELDERLY_AGE: "周岁",
    K.TEKUN_MINOR_AGE: "周岁",
    K.ELDERLY_CARE_SCREENING_AGE: "周岁",
    K.CHILD_ADULT_AGE: "周岁",
    K.DIVORCE_COOLING_OFF_DAYS: "日",
}
DISABILITY_TYPES = {
    "1": "视力残疾",
    "2": "听力残疾",
    "3": "言语残疾",
    "4": "肢体残疾",
    "5": "智力残疾",
    "6": "精神残疾",
    "7": "多重残疾",
}


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _number(value) -> str:
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except (InvalidOperation, ValueError):
        return str(value)


def _share(value) -> str:
    try:
        return f"{Decimal(str(value)) * 100:.0f}%"
    except (InvalidOperation, ValueError):
        return str(value)


def describe_value(key: str, value) -> str:
    """One parameter's value in words; an unknown shape is shown as it is stored."""
    if value is None:
        return "未设置"
    if key in YUAN:
        return f"{value}元"
    if key in MONTHS:
        return f"{value}个月"
    if key in TIMES:
        return f"{_number(value)}倍"
    if key in SHARES:
        return _share(value)
    if key in COUNTS:
        return f"{value}{COUNTS[key]}"
    if key == K.DIBAO_BENEFIT_METHOD:
        return METHODS.get(value, str(value))
    if key == K.DIBAO_ROUNDING:
        return ROUNDING.get(value, str(value))
    if key == K.DIBAO_BANDS and isinstance(value, list):
        bands = [
            f"{band.get('name', '')}：人均收入低于标准的{_share(band.get('below_share'))}，每人{band.get('amount')}元"
            for band in value
            if isinstance(band, dict)
        ]
        return "；".join(bands) or "不分档"
    if key == K.INCOME_EXCLUDED and isinstance(value, list):
        return "、".join(_label(IncomeKind, kind) for kind in value) or "无"
    if key == K.INCOMPATIBLE and isinstance(value, list):
        pairs = [" 与 ".join(_label(Programme, p) for p in pair) for pair in value if isinstance(pair, list)]
        return "；".join(pairs) or "无"
    if key == K.TEKUN_CARE_STANDARDS and isinstance(value, dict):
        return "；".join(f"{SELF_CARE_LABELS.get(level, level)}{amount}元" for level, amount in value.items())
    if key == K.TEKUN_DISABLED_MAX_GRADE and isinstance(value, dict):
        return "；".join(f"{DISABILITY_TYPES.get(str(t), t)}{GRADES.get(str(g), g)}及以上" for t, g in value.items())
    if key == K.POSTGRADUATE_COUNTS:
        return "计入" if value else "不计入"
    if key == K.MARRIAGE_MIN_AGES and isinstance(value, dict):
        return f"男{value.get('M', '—')}周岁，女{value.get('F', '—')}周岁"
    if key == K.ELDERLY_ALLOWANCE_TIERS and isinstance(value, list):
        bands = [
            f"{b.get('from_age')}周岁以上"
            if b.get("to_age") in (None, "")
            else f"{b.get('from_age')}—{b.get('to_age')}周岁"
            for b in value
            if isinstance(b, dict)
        ]
        amounts = [b.get("amount") for b in value if isinstance(b, dict)]
        return "；".join(f"{band}{amount}元" for band, amount in zip(bands, amounts, strict=True)) or "未设置"
    if key == K.ELDERLY_SERVICE_AMOUNT and isinstance(value, dict):
        return f"{value.get('min_age')}周岁以上低保、特困老年人{value.get('amount')}元"
    if key == K.ELDERLY_CARE_AMOUNTS and isinstance(value, dict):
        return "；".join(f"{SELF_CARE_LABELS.get(level, level)}{amount}元" for level, amount in value.items())
    if key == K.HOME_CARE_HOURS and isinstance(value, dict):
        classes = {"tekun": "特困人员", "dibao": "低保对象", "elderly_allowance": "高龄老人"}
        return "；".join(f"{classes.get(c, c)}{hours}小时" for c, hours in value.items())
    if key == K.DISABILITY_CARE_AMOUNTS and isinstance(value, dict):
        return "；".join(f"{GRADES.get(str(grade), grade)}{amount}元" for grade, amount in value.items())
    if key == K.CHILD_VISIT_DAYS and isinstance(value, dict):
        return "；".join(f"{RISKS.get(str(risk), risk)}每{days}天" for risk, days in value.items())
    if key == K.DISASTER_RELIEF_AMOUNTS and isinstance(value, dict):
        labels = {
            "rebuild_per_household": ("倒房重建每户", "元"),
            "transitional_per_person_day": ("过渡期生活救助每人每天", "元"),
            "transitional_max_days": ("过渡期最长", "天"),
            "winter_spring_per_person": ("冬春救助每人", "元"),
        }
        return "；".join(f"{labels.get(k, (k, ''))[0]}{v}{labels.get(k, (k, ''))[1]}" for k, v in value.items())
    if key == K.FUNERAL_WAIVER_ITEMS and isinstance(value, dict):
        who = {"resident": "本县户籍", "assisted": "低保、特困"}
        return "；".join(
            f"{item.get('label', code)}{item.get('cap')}元（{who.get(item.get('for'), item.get('for'))}）"
            for code, item in value.items()
            if isinstance(item, dict)
        )
    if key == K.ECO_BURIAL_REWARDS and isinstance(value, dict):
        methods = {"tree": "树葬", "flower": "花坛葬", "lawn": "草坪葬", "scatter": "骨灰撒散", "wall": "骨灰格位存放"}
        return "；".join(f"{methods.get(m, m)}{amount}元" for m, amount in value.items())
    if key == K.RESCUE_STAY_DAYS:
        return f"{value}天"
    return str(value)
