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
    # 城市生活无着的流浪乞讨人员救助管理办法实施细则 第十五条: 救助期限一般不超过10天
    K.RESCUE_STAY_DAYS: 10,
    # 财社〔2014〕113号 (经济困难的高龄、失能等老年人补贴制度): 高龄 is 80周岁 and over; 政策找人 lists
    # 低保/特困 elderly without a disability certificate for a care assessment from this age
    K.ELDERLY_CARE_SCREENING_AGE: 80,
    # 未成年人保护法 第二条: 未成年人是指未满十八周岁的公民 (a child's file, 孤儿 and 事实无人抚养儿童 end there)
    K.CHILD_ADULT_AGE: 18,
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
    K.CHILD_DIFFICULTY_AMOUNT: "600",
    K.CHILD_VISIT_DAYS: {"high": 7, "medium": 15, "low": 30},
    K.CHILD_REPORT_HOURS: 24,
    # 自然灾害救助条例 第十九、二十条: standards set locally; demo values of the order provinces publish
    K.DISASTER_RELIEF_AMOUNTS: {
        "rebuild_per_household": "20000",
        "transitional_per_person_day": "20",
        "transitional_max_days": 90,
        "winter_spring_per_person": "300",
    },
    # 基本殡葬服务费用减免 (县级政策): each item's cap in yuan and who gets it — "resident": every deceased
    # resident of the county (户籍在本县); "assisted": only a deceased of a 低保 or 特困 household
    K.FUNERAL_WAIVER_ITEMS: {
        "transport": {"label": "遗体接运", "cap": "300", "for": "resident"},
        "storage": {"label": "遗体存放（3天）", "cap": "150", "for": "resident"},
        "cremation": {"label": "遗体火化", "cap": "500", "for": "resident"},
        "urn": {"label": "骨灰盒", "cap": "200", "for": "assisted"},
        "farewell": {"label": "告别仪式", "cap": "300", "for": "assisted"},
    },
    # 生态安葬奖补 per case (yuan), by burial method, paid to the family
    K.ECO_BURIAL_REWARDS: {"tree": "1000", "flower": "1000", "lawn": "800", "scatter": "2000", "wall": "500"},
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

# Marriage registration: national law (民法典 婚姻家庭编, in force 1 January 2021), the same in every
# county; loaded by marriage/migrations/0002_marriage_defaults.py with the Civil Code as its document.
CIVIL_CODE_DOCUMENT = {
    "title": "中华人民共和国民法典",
    "number": "中华人民共和国主席令第四十五号",
    "issued_by": "全国人民代表大会",
    "issued_on": date(2020, 5, 28),
}
MARRIAGE_EFFECTIVE_FROM = date(2021, 1, 1)
MARRIAGE_DEFAULTS: dict[str, object] = {
    K.MARRIAGE_MIN_AGES: {"M": 22, "F": 20},  # 第一千零四十七条
    K.DIVORCE_COOLING_OFF_DAYS: 30,  # 第一千零七十七条
}
