"""Rules of social assistance, one row per rule case; each row names the rule it checks."""

from datetime import date
from decimal import Decimal as D

import pytest

from cases.deadlines import statutory_period_start
from policy import rules
from policy.defaults import DEMO_AMOUNTS, NATIONAL_DEFAULTS
from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from policy.programmes import Programme
from policy.rules import Assets, IncomeItem, MemberFacts, ReviewFacts


def policy(**overrides) -> Policy:
    values = {str(k): v for k, v in {**NATIONAL_DEFAULTS, **DEMO_AMOUNTS}.items()}
    values.update({str(k): v for k, v in overrides.items()})
    return Policy(area_code="430522000000", on=date(2025, 6, 1), values=values)


P = policy()
BANDED = policy(
    **{
        K.DIBAO_BENEFIT_METHOD: "banded",
        K.DIBAO_BANDS: [
            {"name": "一档", "below_share": "0.3", "amount": "400"},
            {"name": "二档", "below_share": "0.7", "amount": "250"},
            {"name": "三档", "below_share": "1.0", "amount": "120"},
        ],
    }
)
YUAN_ROUNDING = policy(**{K.DIBAO_ROUNDING: "yuan"})
WITH_FLOOR = policy(**{K.DIBAO_MINIMUM_BENEFIT: "50"})

applicant = MemberFacts("户主", "applicant", 45)


def names(members):
    return sorted(m.name for m in members)


COMPOSITION = [
    ("§3 共同生活: spouse living together counts", [applicant, MemberFacts("妻", "spouse", 43)], ["妻", "户主"]),
    ("§3 共同生活: minor child counts", [applicant, MemberFacts("子", "child", 10)], ["子", "户主"]),
    (
        "§3 共同生活: adult student up to bachelor counts",
        [applicant, MemberFacts("女", "child", 21, in_school_up_to_bachelor=True)],
        ["女", "户主"],
    ),
    ("§3 共同生活: working adult child is assessed separately", [applicant, MemberFacts("子", "child", 25)], ["户主"]),
    (
        "§3 共同生活: dependent adult child (无劳动能力) counts",
        [applicant, MemberFacts("子", "child", 30, adult_dependent=True)],
        ["子", "户主"],
    ),
    (
        "§3 共同生活: parent with support duty living together counts",
        [applicant, MemberFacts("母", "parent", 75)],
        ["户主", "母"],
    ),
    (
        "§3 共同生活: parent living elsewhere does not count",
        [applicant, MemberFacts("母", "parent", 75, lives_together=False)],
        ["户主"],
    ),
    (
        "§3 排除: clergy away ≥3 years excluded",
        [applicant, MemberFacts("兄", "spouse", 40, exclusion="clergy_away")],
        ["户主"],
    ),
    ("§3 排除: prisoner excluded", [applicant, MemberFacts("夫", "spouse", 40, exclusion="prisoner")], ["户主"]),
    (
        "§3 排除: compulsory drug rehabilitation excluded",
        [applicant, MemberFacts("子", "child", 17, exclusion="drug_rehab")],
        ["户主"],
    ),
    ("§3 排除: missing person excluded", [applicant, MemberFacts("夫", "spouse", 50, exclusion="missing")], ["户主"]),
    (
        "§3 共同生活: lodger without support duty does not count",
        [applicant, MemberFacts("租客", "other", 30)],
        ["户主"],
    ),
]


@pytest.mark.parametrize(("rule", "members", "counted"), COMPOSITION, ids=[c[0] for c in COMPOSITION])
def test_household_composition(rule, members, counted):
    composition = rules.dibao_household(members)
    assert names(composition.counted) == counted
    left_out = {member.name: reason for member, reason in composition.left_out}
    assert sorted(left_out) == sorted({m.name for m in members} - set(counted))  # everyone else, by name
    assert all(left_out.values())  # each with its reason


SINGLE_PERSON = [
    (
        "§3 单人户: severely disabled member of an edge family may apply alone",
        MemberFacts("甲", "child", 30, disability_grade=2),
        True,
        False,
        True,
    ),
    (
        "§3 单人户: seriously ill member of an edge family may apply alone",
        MemberFacts("乙", "spouse", 50, serious_illness=True),
        True,
        False,
        True,
    ),
    (
        "§3 单人户: unemployed severely disabled adult may apply alone",
        MemberFacts("丙", "child", 28, disability_grade=1),
        False,
        True,
        True,
    ),
    (
        "§3 单人户 第七条(一): grade-3 intellectual disability in an edge family may apply alone",
        MemberFacts("己", "child", 30, disability_grade=3, disability_type="5"),
        True,
        False,
        True,
    ),
    (
        "§3 单人户 第七条(一): grade-3 mental disability in an edge family may apply alone",
        MemberFacts("庚", "spouse", 40, disability_grade=3, disability_type="6"),
        True,
        False,
        True,
    ),
    (
        "§3 单人户 第七条(一): grade-3 physical disability in an edge family may not",
        MemberFacts("辛", "child", 30, disability_grade=3, disability_type="4"),
        True,
        False,
        False,
    ),
    (
        "§3 单人户 第七条(三): clergy living apart in a religious site ≥3 years may apply alone",
        MemberFacts("壬", "child", 35, religious_apart=True),
        False,
        False,
        True,
    ),
    (
        "§3 单人户: grade-3 disability in an ordinary family may not",
        MemberFacts("丁", "child", 28, disability_grade=3),
        False,
        True,
        False,
    ),
    (
        "§3 单人户: severely disabled minor who is not in an edge family may not",
        MemberFacts("戊", "child", 15, disability_grade=1),
        False,
        True,
        False,
    ),
]


@pytest.mark.parametrize(
    ("rule", "member", "edge", "unemployed", "allowed"), SINGLE_PERSON, ids=[c[0] for c in SINGLE_PERSON]
)
def test_single_person_household(rule, member, edge, unemployed, allowed):
    assert rules.may_apply_alone(member, family_is_edge=edge, unemployed=unemployed)[0] is allowed


INCOME = [
    ("§3 收入: wages count", [IncomeItem("wages", D("12000"))], 2, D("500.00")),
    ("§3 收入: 优抚金 excluded", [IncomeItem("wages", D("6000")), IncomeItem("youfu", D("6000"))], 1, D("500.00")),
    ("§3 收入: scholarship excluded", [IncomeItem("scholarship", D("3000"))], 1, D("0.00")),
    (
        "§3 收入: assistance payments excluded",
        [IncomeItem("assistance", D("5000")), IncomeItem("business", D("2400"))],
        2,
        D("100.00"),
    ),
    ("§3 收入: basic pension excluded (configurable)", [IncomeItem("pension_basic", D("1800"))], 1, D("0.00")),
    ("§3 收入: net property income counts", [IncomeItem("property", D("3650"))], 3, D("101.39")),
]


@pytest.mark.parametrize(("rule", "items", "members", "monthly"), INCOME, ids=[c[0] for c in INCOME])
def test_per_capita_income(rule, items, members, monthly):
    assert rules.per_capita_income(items, members, P).monthly_per_capita == monthly


def test_counting_pension_when_a_province_says_so():
    """§3 收入: the excluded items are configurable — a province may count basic pension."""
    counting = policy(**{K.INCOME_EXCLUDED: ["youfu"]})
    assert rules.per_capita_income([IncomeItem("pension_basic", D("1800"))], 1, counting).monthly_per_capita == D(
        "150.00"
    )


ASSETS = [
    ("§3 财产: deposits within 24 months of standard pass", Assets(deposits=D("11000")), 1, []),
    ("§3 财产: deposits over the limit fail", Assets(deposits=D("40000")), 2, ["存款"]),
    ("§3 财产: a car fails (non-functional vehicle)", Assets(vehicles=1), 3, ["机动车"]),
    ("§3 财产: two houses fail", Assets(houses=2), 3, ["住房"]),
]


@pytest.mark.parametrize(("rule", "assets", "members", "breached"), ASSETS, ids=[c[0] for c in ASSETS])
def test_asset_limits(rule, assets, members, breached):
    found = rules.asset_breaches(assets, members, P, D("470.00"))
    assert [next(word for word in ("存款", "机动车", "住房") if word in text) for text in found] == breached


BENEFITS = [
    ("§3 补差: rural (470 − 200) × 3 = 810", P, False, D("200"), 3, True, D("810")),
    ("§3 补差: urban (700 − 0) × 1 = 700", P, True, D("0"), 1, True, D("700")),
    ("§3 补差: income equal to the standard is not eligible", P, False, D("470"), 2, False, D("0")),
    ("§3 取整: to the fen by default (会计基础工作规范 第五十二条)", P, False, D("469.50"), 1, True, D("0.50")),
    ("§3 取整: to the yuan (half up) where local policy says so", YUAN_ROUNDING, False, D("469.50"), 1, True, D("1")),
    ("§3 补差: minimum benefit floor lifts a tiny gap", WITH_FLOOR, False, D("460"), 2, True, D("100")),
    ("§3 分档: lowest band below 30% of standard", BANDED, False, D("100"), 2, True, D("800")),
    ("§3 分档: middle band below 70%", BANDED, False, D("300"), 2, True, D("500")),
    ("§3 分档: top band below 100%", BANDED, False, D("450"), 3, True, D("360")),
]


@pytest.mark.parametrize(
    ("rule", "pol", "urban", "per_capita", "members", "eligible", "amount"), BENEFITS, ids=[c[0] for c in BENEFITS]
)
def test_dibao_benefit(rule, pol, urban, per_capita, members, eligible, amount):
    benefit = rules.dibao_benefit(pol, urban=urban, monthly_per_capita=per_capita, members=members)
    assert (benefit.eligible, benefit.monthly_amount) == (eligible, amount)
    assert benefit.working


EDGE = [
    ("§3 边缘: below 1.5 × standard and above it is edge", D("600"), True),
    ("§3 边缘: at 1.5 × standard is not edge", D("705"), False),
    ("§3 边缘: below the standard is 低保, not edge", D("400"), False),
]


@pytest.mark.parametrize(("rule", "per_capita", "edge"), EDGE, ids=[c[0] for c in EDGE])
def test_edge_threshold(rule, per_capita, edge):
    assert rules.is_edge_household(P, urban=False, monthly_per_capita=per_capita) is edge


ALL_ABLE = dict.fromkeys(rules.DAILY_ACTIVITIES, True)
SELF_CARE = [
    ("§4 特困自理: all six possible → 自理", ALL_ABLE, rules.SELF_CARE),
    (
        "§4 特困自理: three impossible → 部分丧失",
        {**ALL_ABLE, "eating": False, "bathing": False, "walking_indoors": False},
        rules.PARTLY_DISABLED,
    ),
    (
        "§4 特困自理: four impossible → 完全丧失",
        {**dict.fromkeys(rules.DAILY_ACTIVITIES, False), "eating": True, "dressing": True},
        rules.FULLY_DISABLED,
    ),
]


@pytest.mark.parametrize(("rule", "able", "level"), SELF_CARE, ids=[c[0] for c in SELF_CARE])
def test_self_care_assessment(rule, able, level):
    assert rules.self_care_level(able) == level


def test_tekun_standard_is_at_least_1_3_times_dibao_plus_care_by_level():
    """§4 特困标准: basic ≥ 1.3 × 低保 standard; care standard by self-care level."""
    assert rules.tekun_monthly(P, urban=False, care_level=rules.FULLY_DISABLED) == (D("611"), D("800"))


@pytest.mark.parametrize(("cases", "checked"), [(10, 3), (11, 4), (1, 1), (0, 0)])
def test_county_spot_check_at_least_30_percent(cases, checked):
    """§4 特困抽查: the county checks at least 30% of cases, rounded up."""
    assert rules.spot_check_count(P, cases) == checked


TEMPORARY = [
    ("§4 临时救助: small amount approved by the township", D("1500"), "township"),
    ("§4 临时救助: the township cap itself is township", D("2000"), "township"),
    ("§4 临时救助: above the township cap goes to the county", D("5000"), "county"),
    ("§4 临时救助: above the county cap is refused", D("25000"), "refused"),
]


@pytest.mark.parametrize(("rule", "amount", "approver"), TEMPORARY, ids=[c[0] for c in TEMPORARY])
def test_temporary_aid_approval_level(rule, amount, approver):
    assert rules.temporary_aid_approver(P, amount) == approver


DISABILITY = [
    (
        "§4 两项补贴: grade 1 in a 低保 family gets both",
        1,
        True,
        {Programme.DISABILITY_LIVING: D("80"), Programme.DISABILITY_CARE: D("100")},
    ),
    ("§4 两项补贴: grade 2 outside 低保 gets care only", 2, False, {Programme.DISABILITY_CARE: D("80")}),
    ("§4 两项补贴: grade 3 in a 低保 family gets living only", 3, True, {Programme.DISABILITY_LIVING: D("80")}),
    ("§4 两项补贴: grade 4 outside 低保 gets nothing", 4, False, {}),
]


@pytest.mark.parametrize(("rule", "grade", "dibao", "expected"), DISABILITY, ids=[c[0] for c in DISABILITY])
def test_disability_two_subsidies(rule, grade, dibao, expected):
    assert rules.disability_subsidies(P, grade=grade, in_dibao_family=dibao) == expected


REVIEWS = [
    ("§3 复核: stable household yearly", ReviewFacts(date(2025, 3, 15), True, False), date(2026, 3, 15)),
    ("§3 复核: irregular income every 6 months", ReviewFacts(date(2025, 3, 15), False, False), date(2025, 9, 15)),
    ("§3 复核: member able to work every 6 months", ReviewFacts(date(2025, 8, 31), True, True), date(2026, 2, 28)),
    (
        "§3 复核: a death triggers review within 3 months",
        ReviewFacts(date(2025, 1, 10), True, False, date(2025, 5, 20)),
        date(2025, 8, 20),
    ),
    (
        "§3 复核: a death after the due date does not postpone it",
        ReviewFacts(date(2025, 1, 10), False, True, date(2025, 6, 1)),
        date(2025, 7, 10),
    ),
]


@pytest.mark.parametrize(("rule", "facts", "due"), REVIEWS, ids=[c[0] for c in REVIEWS])
def test_review_interval(rule, facts, due):
    assert rules.next_review_due(P, facts)[0] == due


def test_gradual_exit_steps_down_over_six_months_when_work_lifts_income():
    """§3 渐退: up to 6 months when work lifts income; other reasons stop at once."""
    assert rules.gradual_exit_schedule(P, monthly_amount=D("600"), income_from_work=True) == [
        D("600.00"),
        D("500.00"),
        D("400.00"),
        D("300.00"),
        D("200.00"),
        D("100.00"),
    ]
    assert rules.gradual_exit_schedule(P, monthly_amount=D("600"), income_from_work=False) == []


FRAUD = [
    ("§3 骗保: recover 5 months and fine 1×", 5, D("300"), D("1"), (D("1500"), D("1500.00"))),
    ("§3 骗保: fine 3× is the maximum", 2, D("450"), D("3"), (D("900"), D("2700.00"))),
]


@pytest.mark.parametrize(("rule", "months", "amount", "multiple", "expected"), FRAUD, ids=[c[0] for c in FRAUD])
def test_fraud_recovery(rule, months, amount, multiple, expected):
    assert rules.fraud_recovery(months_paid_wrongly=months, monthly_amount=amount, fine_multiple=multiple) == expected


def test_fraud_fine_outside_one_to_three_times_is_refused():
    """§3 骗保: the fine is 1–3 times the amount obtained."""
    with pytest.raises(ValueError, match="1至3倍"):
        rules.fraud_recovery(months_paid_wrongly=1, monthly_amount=D("100"), fine_multiple=D("4"))


INCOMPATIBLE = [
    ("§4 兼容: 低保 and 特困 may not be held together", Programme.TEKUN, {Programme.DIBAO}, Programme.DIBAO),
    ("§4 兼容: 特困 then 低保 is refused the other way too", Programme.DIBAO, {Programme.TEKUN}, Programme.TEKUN),
    (
        "§4 兼容: 低保 with the disability living subsidy is allowed",
        Programme.DISABILITY_LIVING,
        {Programme.DIBAO},
        None,
    ),
    (
        "§4 兼容: orphan and de-facto-unsupported allowances exclude each other",
        Programme.ORPHAN,
        {Programme.UNSUPPORTED_CHILD},
        Programme.UNSUPPORTED_CHILD,
    ),
]


@pytest.mark.parametrize(("rule", "programme", "existing", "conflict"), INCOMPATIBLE, ids=[c[0] for c in INCOMPATIBLE])
def test_incompatible_enrolments(rule, programme, existing, conflict):
    assert rules.incompatible_with(P, programme, existing) == conflict


def test_amounts_are_computed_on_household_totals_and_rounded_once():
    """§3 取整: (standard × members − household income) rounded once, not per-capita rounded first.
    10,000 a year for 3: per capita 277.777… — rounding it first would give 966.66, the law 966.67."""
    income = rules.per_capita_income([IncomeItem("wages", D("10000"))], 3, P)
    assert income.monthly_per_capita == D("277.78")  # shown to the fen
    benefit = rules.dibao_benefit(P, urban=True, members=3, household_monthly_income=income.monthly_household)
    assert benefit.monthly_amount == D("1266.67")  # 700 × 3 − 833.333…
    assert rules.dibao_benefit(P, urban=True, members=3, monthly_per_capita=D("277.78")).monthly_amount == D(
        "1266.66"
    )  # what rounding twice gave


STUDENTS = [
    ("§3 第六条(三): student at bachelor level counts", True, "bachelor", False, True),
    ("§3 第六条(三): student at junior college counts", True, "college", False, True),
    ("§3 第六条(三): postgraduate student does not count by default", True, "postgraduate", False, False),
    ("§3 第六条(三): postgraduate counts where the province says so", True, "postgraduate", True, True),
    ("§3 第六条(三): a graduate not in school does not count as a student", False, "bachelor", False, False),
]


@pytest.mark.parametrize(("rule", "in_school", "education", "pg", "counts"), STUDENTS, ids=[c[0] for c in STUDENTS])
def test_students_count_up_to_bachelor(rule, in_school, education, pg, counts):
    assert rules.counts_as_student(in_school=in_school, education=education, postgraduate_counts=pg) is counts


LABOUR = [
    ("§4 特困 第五条(一): aged 60 has no labour capacity", 60, "", None, True),
    ("§4 特困 第五条(二): under 16 has no labour capacity", 15, "", None, True),
    ("§4 特困: aged 16 to 59 without disability has labour capacity", 45, "", None, False),
    ("§4 特困 第五条(三): grade-3 intellectual disability", 40, "5", 3, True),
    ("§4 特困 第五条(三): grade-3 mental disability", 40, "6", 3, True),
    ("§4 特困 第五条(三): grade-2 physical disability", 40, "4", 2, True),
    ("§4 特困 第五条(三): grade-3 physical disability is not enough", 40, "4", 3, False),
    ("§4 特困 第五条(三): grade-1 visual disability", 40, "1", 1, True),
    ("§4 特困 第五条(三): grade-2 visual disability is not enough", 40, "1", 2, False),
    ("§4 特困 第五条(三): grade-1 hearing disability is not named", 40, "2", 1, False),
]


@pytest.mark.parametrize(("rule", "age", "kind", "grade", "none"), LABOUR, ids=[c[0] for c in LABOUR])
def test_tekun_requires_no_labour_capacity(rule, age, kind, grade, none):
    assert rules.has_no_labour_capacity(P, age=age, disability_type=kind, disability_grade=grade)[0] is none


def test_tekun_age_thresholds_are_policy_data():
    """§4 特困 第五条(四): a province may set other cases, e.g. a lower age."""
    local = policy(**{K.TEKUN_ELDERLY_AGE: 55})
    assert rules.has_no_labour_capacity(local, age=56, disability_type="", disability_grade=None)[0]


def test_seven_day_notice_counts_from_the_day_after_posting():
    """§3 公示 7 days (民法典 第201条): posted 2025-06-02, the seven days are 06-03 … 06-09."""
    period = rules.public_notice_period(date(2025, 6, 2), 7, date(2025, 6, 9))
    assert (period.first_day, period.last_day, period.days) == (date(2025, 6, 3), date(2025, 6, 9), 7)


PERIOD_STARTS = [
    ("§4 民法典1077: cooling-off runs from the day the registry received the application", None, date(2025, 3, 3)),
    ("§4 民法典1077: the 30 days to appear run from the end of the cooling-off", date(2025, 4, 2), date(2025, 4, 2)),
]


@pytest.mark.parametrize(("rule", "previous_end", "start"), PERIOD_STARTS, ids=[c[0] for c in PERIOD_STARTS])
def test_statutory_periods_start_from_the_event_the_law_names(rule, previous_end, start):
    assert statutory_period_start(received_on=date(2025, 3, 3), previous_period_end=previous_end) == start
