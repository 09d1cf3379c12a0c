"""National rules as default parameters (area "" = nationwide), from the published regulations.
Local amounts (standards, caps, subsidies) are set by each province/city/county; `demo_amounts`
are plausible values for the demo county only."""

from datetime import date

from policy.programmes import ParameterKey as K
from policy.programmes import Programme

NATIONAL_DOCUMENT = {
    "title": "最低生活保障审核确认办法",
    "number": "民发〔2021〕57号",
    "issued_by": "民政部",
    "issued_on": date(2021, 6, 11),
}

NATIONAL_DEFAULTS: dict[str, object] = {
    K.DIBAO_BENEFIT_METHOD: "gap",
    K.DIBAO_BANDS: [],
    K.DIBAO_MINIMUM_BENEFIT: "0",
    K.DIBAO_ROUNDING: "fen",
    K.EDGE_FACTOR: "1.5",
    K.ASSET_DEPOSIT_MONTHS: "24",
    K.ASSET_MAX_VEHICLES: "0",
    K.ASSET_MAX_HOUSES: "1",
    K.INCOME_EXCLUDED: ["youfu", "scholarship", "assistance", "pension_basic", "award"],
    K.REVIEW_STABLE_MONTHS: 12,
    K.REVIEW_UNSTABLE_MONTHS: 6,
    K.REVIEW_AFTER_DEATH_MONTHS: 3,
    K.ARREARS_MONTHS: 12,
    K.GRADUAL_EXIT_MONTHS: 6,
    K.TEKUN_BASIC_FACTOR: "1.3",
    K.TEKUN_SPOT_CHECK_SHARE: "0.3",
    K.TEKUN_ELDERLY_AGE: 60,
    K.TEKUN_MINOR_AGE: 16,
    # 特困人员认定办法 第五条第（三）项: 智力、精神 1–3级, 肢体 1–2级, 视力 1级
    K.TEKUN_DISABLED_MAX_GRADE: {"5": 3, "6": 3, "4": 2, "1": 1},
    K.POSTGRADUATE_COUNTS: False,
    K.RIGID_SPENDING_SHARE: "0.5",
    K.INCOMPATIBLE: [[Programme.DIBAO, Programme.TEKUN], [Programme.ORPHAN, Programme.UNSUPPORTED_CHILD]],
}

DEMO_AMOUNTS: dict[str, object] = {
    K.DIBAO_STANDARD_URBAN: "700.00",
    K.DIBAO_STANDARD_RURAL: "470.00",
    K.TEKUN_CARE_STANDARDS: {"self_care": "80", "partly_disabled": "300", "fully_disabled": "800"},
    K.TEMPORARY_TOWNSHIP_CAP: "2000",
    K.TEMPORARY_COUNTY_CAP: "20000",
    K.DISABILITY_LIVING_AMOUNT: "80",
    K.DISABILITY_CARE_AMOUNTS: {"1": "100", "2": "80"},
    K.ORPHAN_AMOUNT: "1400",
    K.UNSUPPORTED_CHILD_AMOUNT: "1400",
    # 高龄津贴 by age band (from_age..to_age inclusive; to_age null = and above), yuan per month
    K.ELDERLY_ALLOWANCE_TIERS: [
        {"from_age": 80, "to_age": 89, "amount": "50"},
        {"from_age": 90, "to_age": 99, "amount": "100"},
        {"from_age": 100, "to_age": None, "amount": "500"},
    ],
    # 经济困难老年人服务补贴: 低保 or 特困 elderly from min_age
    K.ELDERLY_SERVICE_AMOUNT: {"min_age": 60, "amount": "50"},
    # 经济困难失能老年人护理补贴 by the assessed level (the 特困 self-care scale)
    K.ELDERLY_CARE_AMOUNTS: {"partly_disabled": "100", "fully_disabled": "200"},
    # 政府购买居家养老服务: hours a month by the person's class, and the county's hourly price cap
    K.HOME_CARE_HOURS: {"tekun": 30, "dibao": 20, "elderly_allowance": 10},
}
