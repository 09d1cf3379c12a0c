"""The rules of social assistance as pure functions (docs/domain.md §3–4).

Each function takes facts and a `Policy` (the parameters in force for the area and date) and
returns a result that shows its working, so a clerk can print why. No database access here.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.months import add_months, next_month_start
from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from policy.programmes import Programme, ReviewReason

ZERO = Decimal("0")
FEN = Decimal("0.01")


# ---------------------------------------------------------------- household composition (共同生活)


class Exclusion:
    """Why a registered member does not count in the assistance household."""

    CLERGY_AWAY = "clergy_away"  # 宗教教职人员连续三年以上脱离家庭独立生活
    PRISONER = "prisoner"  # 在监狱服刑
    DRUG_REHAB = "drug_rehab"  # 强制隔离戒毒
    MISSING = "missing"  # 宣告失踪
    NOT_LIVING_TOGETHER = "not_living_together"

    LABELS = {
        CLERGY_AWAY: "连续三年以上脱离家庭独立生活的宗教教职人员",
        PRISONER: "在监狱内服刑人员",
        DRUG_REHAB: "在强制隔离戒毒所戒毒人员",
        MISSING: "宣告失踪人员",
        NOT_LIVING_TOGETHER: "未与申请人共同生活",
    }


SUPPORT_RELATIONS = {"spouse", "child", "parent", "other_supported"}


# 文化程度 (registry.Person.Education) up to and including 本科: 审核确认办法 第六条第（三）项 counts
# children "在校接受全日制本科及以下学历教育"; 研究生 is not named and does not count by default.
UP_TO_BACHELOR = ("none", "primary", "junior", "senior", "college", "bachelor")
POSTGRADUATE = "postgraduate"


@dataclass(frozen=True)
class MemberFacts:
    name: str
    kin: str  # applicant / spouse / child / parent / other_supported / other
    age: int
    in_school_up_to_bachelor: bool = False
    adult_dependent: bool = False  # 无劳动能力、无生活来源的成年子女
    lives_together: bool = True
    exclusion: str = ""
    disability_grade: int | None = None
    serious_illness: bool = False
    able_to_work: bool = False
    disability_type: str = ""  # registry.Person.DisabilityType: 1 视力 … 4 肢体 5 智力 6 精神 7 多重
    religious_apart: bool = False  # 脱离家庭、在宗教场所居住三年以上的宗教教职人员（窗口认定）


def counts_as_student(*, in_school: bool, education: str, postgraduate_counts: bool = False) -> bool:
    """在校接受全日制本科及以下学历教育 (审核确认办法 第六条第（三）项): a child in full-time
    education counts in the household while studying at bachelor level or below; a postgraduate
    student does not, unless the province's rules say so (`postgraduate_counts`). `education` is
    the registry's 文化程度 (the level being studied for a student)."""
    if not in_school:
        return False
    if education == POSTGRADUATE:
        return postgraduate_counts
    return True


@dataclass
class Composition:
    counted: list[MemberFacts] = field(default_factory=list)
    left_out: list[tuple[MemberFacts, str]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.counted)


def dibao_household(members: list[MemberFacts]) -> Composition:
    """共同生活的家庭成员 (审核确认办法 第六条): spouse, minor children, dependent adult children
    (students up to bachelor level), others with a support duty living together long-term."""
    result = Composition()
    for member in members:
        if member.exclusion:
            result.left_out.append((member, Exclusion.LABELS[member.exclusion]))
        elif member.kin == "applicant":
            result.counted.append(member)
        elif member.kin == "child" and not (
            member.age < 18 or member.in_school_up_to_bachelor or member.adult_dependent
        ):
            result.left_out.append((member, "已成年且不在校、不属于无劳动能力的子女，另行认定"))
        elif member.kin in SUPPORT_RELATIONS and member.lives_together:
            result.counted.append(member)
        elif member.kin in SUPPORT_RELATIONS:
            result.left_out.append((member, Exclusion.LABELS[Exclusion.NOT_LIVING_TOGETHER]))
        else:
            result.left_out.append((member, "无法定赡养、扶养或抚养关系"))
    return result


INTELLECTUAL, MENTAL = "5", "6"


def is_severely_disabled(member: MemberFacts) -> bool:
    """持证一级、二级重度残疾人和三级智力、精神残疾人 (审核确认办法 第七条第（一）项)."""
    if member.disability_grade in (1, 2):
        return True
    return member.disability_grade == 3 and member.disability_type in (INTELLECTUAL, MENTAL)


def may_apply_alone(member: MemberFacts, *, family_is_edge: bool, unemployed: bool) -> tuple[bool, str]:
    """单人户 (最低生活保障审核确认办法 民发〔2021〕57号 第七条): may apply on their own
    (一) in a 低保边缘 family, a holder of a disability certificate of grade 1 or 2, or of grade 3
        for an intellectual or mental disability;
    (二) in a 低保边缘 family, a person with a serious illness recognised locally;
    (三) a member of the clergy living apart from the family in a religious site for three years or
        more, in hardship;
    (四) other persons in special hardship named by the civil-affairs department at county level or
        above — nationally adopted for 成年无业重度残疾人 (an adult, unemployed, severely disabled
        person), which this platform applies by default."""
    severe = is_severely_disabled(member)
    if family_is_edge and severe:
        return True, "低保边缘家庭中的一、二级重度残疾人或三级智力、精神残疾人，可单独提出申请（第七条第一项）"
    if family_is_edge and member.serious_illness:
        return True, "低保边缘家庭中患有重特大疾病的人员，可单独提出申请（第七条第二项）"
    if member.religious_apart:
        return True, "脱离家庭、在宗教场所居住三年以上的生活困难宗教教职人员，可单独提出申请（第七条第三项）"
    if severe and unemployed and member.age >= 18:
        return True, "成年无业重度残疾人，可单独提出申请（第七条第四项）"
    return False, "不符合单人户条件，应以共同生活家庭为单位申请"


# ---------------------------------------------------------------- income and assets


@dataclass(frozen=True)
class IncomeItem:
    kind: str  # wages, business, property, transfer, pension_basic, youfu, scholarship, assistance ...
    annual_amount: Decimal
    note: str = ""


@dataclass
class IncomeWorking:
    counted: list[IncomeItem]
    excluded: list[IncomeItem]
    annual_total: Decimal
    members: int
    monthly_per_capita: Decimal  # shown to the fen; the benefit is computed from the total

    @property
    def monthly_household(self) -> Decimal:
        """The household's monthly income, unrounded: amounts are computed on household totals."""
        return self.annual_total / 12

    def lines(self) -> list[str]:
        out = [f"计入：{i.kind} {i.annual_amount}元/年" for i in self.counted]
        out += [f"不计入：{i.kind} {i.annual_amount}元/年（政策规定不计入）" for i in self.excluded]
        out.append(f"家庭年收入 {self.annual_total}元 ÷ 12个月 ÷ {self.members}人 = 月人均 {self.monthly_per_capita}元")
        return out


def per_capita_income(items: list[IncomeItem], members: int, policy: Policy) -> IncomeWorking:
    if members <= 0:
        raise ValueError("家庭人口必须大于0")
    excluded_kinds = set(policy.items(K.INCOME_EXCLUDED))
    counted = [i for i in items if i.kind not in excluded_kinds]
    excluded = [i for i in items if i.kind in excluded_kinds]
    total = sum((i.annual_amount for i in counted), ZERO)
    monthly = (total / 12 / members).quantize(FEN, ROUND_HALF_UP)
    return IncomeWorking(counted, excluded, total, members, monthly)


@dataclass(frozen=True)
class Assets:
    deposits: Decimal = ZERO  # 存款、有价证券、商业保险现金价值、互联网金融
    vehicles: int = 0  # 不含残疾人功能性补偿代步机动车
    houses: int = 1


def asset_breaches(assets: Assets, members: int, policy: Policy, standard: Decimal) -> list[str]:
    """Which asset limit the household exceeds (empty when within limits)."""
    breaches = []
    deposit_limit = standard * policy.number(K.ASSET_DEPOSIT_MONTHS) * members
    if assets.deposits > deposit_limit:
        breaches.append(f"家庭存款等金融资产{assets.deposits}元，超过上限{deposit_limit}元")
    if assets.vehicles > policy.number(K.ASSET_MAX_VEHICLES):
        breaches.append(f"拥有机动车{assets.vehicles}辆，超过上限{policy.number(K.ASSET_MAX_VEHICLES)}辆")
    if assets.houses > policy.number(K.ASSET_MAX_HOUSES):
        breaches.append(f"拥有住房{assets.houses}套，超过上限{policy.number(K.ASSET_MAX_HOUSES)}套")
    return breaches


# ---------------------------------------------------------------- 低保 benefit


def dibao_standard(policy: Policy, urban: bool) -> Decimal:
    return policy.amount(K.DIBAO_STANDARD_URBAN if urban else K.DIBAO_STANDARD_RURAL)


def round_benefit(amount: Decimal, policy: Policy) -> Decimal:
    """A household's benefit is rounded once, at the end, half up: to the fen (分) by default —
    money is written to the 角分 (会计基础工作规范 财会字〔1996〕19号 第五十二条第（二）项: "所有以
    元为单位的阿拉伯数字……一律填写到角分"; 人民币管理条例 第三条: the 分 is the smallest unit) — or
    to the yuan where the local policy says so (dibao.rounding = "yuan")."""
    if policy.text(K.DIBAO_ROUNDING) == "yuan":
        return amount.quantize(Decimal("1"), ROUND_HALF_UP)
    return amount.quantize(FEN, ROUND_HALF_UP)


_round = round_benefit


@dataclass(frozen=True)
class Benefit:
    eligible: bool
    monthly_amount: Decimal
    working: str


def dibao_benefit(
    policy: Policy,
    *,
    urban: bool,
    members: int,
    monthly_per_capita: Decimal | None = None,
    household_monthly_income: Decimal | None = None,
) -> Benefit:
    """保障金额 (审核确认办法 第三条、社会救助暂行办法 第十条): gap method — the household's standard
    (standard × members) minus the household's monthly income, each person lifted to the minimum
    benefit; banded method — the band of per-capita income as a share of the standard, × members.
    Computed on household totals and rounded once at the end (`round_benefit`). Give the
    household's monthly income (unrounded, from the survey), or the per-capita figure when that is
    all there is."""
    if household_monthly_income is None:
        if monthly_per_capita is None:
            raise ValueError("须提供家庭月收入或月人均收入")
        household_monthly_income = monthly_per_capita * members
    standard = dibao_standard(policy, urban)
    per_capita = household_monthly_income / members
    shown = per_capita.quantize(FEN, ROUND_HALF_UP)
    if per_capita >= standard:
        return Benefit(False, ZERO, f"月人均收入{shown}元不低于低保标准{standard}元")
    if policy.text(K.DIBAO_BENEFIT_METHOD) == "banded":
        ratio = per_capita / standard
        for band in policy.items(K.DIBAO_BANDS):
            if ratio < Decimal(str(band["below_share"])):
                per_person = Decimal(str(band["amount"]))
                amount = round_benefit(per_person * members, policy)
                return Benefit(
                    True,
                    amount,
                    f"人均收入为标准的{ratio:.0%}，属{band['name']}，{per_person}元×{members}人={amount}元",
                )
        return Benefit(False, ZERO, "人均收入不在任何分档内")
    floor = policy.amount(K.DIBAO_MINIMUM_BENEFIT)
    household_standard = standard * members
    gap = household_standard - household_monthly_income
    if gap < floor * members:
        amount = round_benefit(floor * members, policy)
        return Benefit(True, amount, f"人均差额不足最低保障金{floor}元，按{floor}元 × {members}人 = {amount}元/月")
    amount = round_benefit(gap, policy)
    income = household_monthly_income.quantize(FEN, ROUND_HALF_UP)
    return Benefit(
        True,
        amount,
        f"低保标准{standard}元 × {members}人 − 家庭月收入{income}元 = {amount}元/月（按户计算，最后一次取整）",
    )


def is_edge_household(policy: Policy, *, urban: bool, monthly_per_capita: Decimal) -> bool:
    """低保边缘: per-capita income at or above the standard but below factor × standard."""
    standard = dibao_standard(policy, urban)
    return standard <= monthly_per_capita < standard * policy.number(K.EDGE_FACTOR)


# ---------------------------------------------------------------- 特困


DAILY_ACTIVITIES = ("eating", "dressing", "bed_transfer", "toileting", "walking_indoors", "bathing")
SELF_CARE, PARTLY_DISABLED, FULLY_DISABLED = "self_care", "partly_disabled", "fully_disabled"
SELF_CARE_LABELS = {
    SELF_CARE: "生活自理",
    PARTLY_DISABLED: "部分丧失生活自理能力",
    FULLY_DISABLED: "完全丧失生活自理能力",
}


def self_care_level(able: dict[str, bool]) -> str:
    """Six daily activities: all possible → 自理; 1–3 impossible → 部分丧失; ≥4 → 完全丧失."""
    missing = set(DAILY_ACTIVITIES) - set(able)
    if missing:
        raise ValueError(f"自理能力评估缺少项目：{', '.join(sorted(missing))}")
    unable = sum(1 for activity in DAILY_ACTIVITIES if not able[activity])
    if unable == 0:
        return SELF_CARE
    return PARTLY_DISABLED if unable <= 3 else FULLY_DISABLED


def has_no_labour_capacity(
    policy: Policy, *, age: int, disability_type: str, disability_grade: int | None
) -> tuple[bool, str]:
    """无劳动能力 (特困人员认定办法 民发〔2021〕43号 第五条): (一) aged 60 or over; (二) under 16;
    (三) an intellectual or mental disability of grade 1–3, a physical disability of grade 1–2, a
    visual disability of grade 1; (四) other cases the province sets. The ages and the grades per
    disability type are policy data (tekun.elderly_age, tekun.minor_age, tekun.disabled_max_grade)."""
    elderly, minor = policy.number(K.TEKUN_ELDERLY_AGE), policy.number(K.TEKUN_MINOR_AGE)
    if age >= elderly:
        return True, f"年满{elderly}周岁"
    if age < minor:
        return True, f"未满{minor}周岁"
    max_grade = policy.raw(K.TEKUN_DISABLED_MAX_GRADE).get(disability_type or "")
    if disability_grade is not None and max_grade is not None and disability_grade <= int(max_grade):
        return True, f"残疾等级{disability_grade}级，属无劳动能力"
    return False, f"{age}周岁，且无相应等级的残疾，不属于无劳动能力（特困人员认定办法第五条）"


def tekun_monthly(policy: Policy, *, urban: bool, care_level: str) -> tuple[Decimal, Decimal]:
    """(basic living, care) per month: basic ≥ factor × 低保 standard; care by self-care level."""
    basic = (dibao_standard(policy, urban) * policy.number(K.TEKUN_BASIC_FACTOR)).quantize(Decimal("1"), ROUND_HALF_UP)
    care = Decimal(str(policy.raw(K.TEKUN_CARE_STANDARDS)[care_level]))
    return basic, care


def spot_check_count(policy: Policy, cases: int) -> int:
    """County spot check of at least the configured share of cases, rounded up."""
    share = policy.number(K.TEKUN_SPOT_CHECK_SHARE)
    needed = cases * share
    whole = int(needed)
    return whole if whole == needed else whole + 1


# ---------------------------------------------------------------- statutory periods


@dataclass(frozen=True)
class NoticePeriod:
    posted_on: date
    first_day: date
    last_day: date
    days: int


def public_notice_period(posted_on: date, days: int, last_day: date) -> NoticePeriod:
    """公示 of `days` days (审核确认办法 第十九条: 7 days): counted from the day after it is posted
    (民法典 第二百零一条: 开始的当日不计入), ending on `last_day` (the engine's end, moved to the next
    working day where the rule says so: 第二百零三条). Objections are heard on every day from the
    posting to the last day."""
    return NoticePeriod(posted_on, posted_on + timedelta(days=1), last_day, days)


# ---------------------------------------------------------------- 临时救助


def temporary_aid_approver(policy: Policy, amount: Decimal) -> str:
    """Township approves up to its cap, the county above it; nothing above the county cap."""
    if amount <= 0:
        raise ValueError("救助金额必须大于0")
    if amount > policy.amount(K.TEMPORARY_COUNTY_CAP):
        return "refused"
    return "township" if amount <= policy.amount(K.TEMPORARY_TOWNSHIP_CAP) else "county"


# ---------------------------------------------------------------- allowances


def disability_subsidies(policy: Policy, *, grade: int | None, in_dibao_family: bool) -> dict[str, Decimal]:
    """两项补贴: living subsidy for disabled people in 低保 families; care subsidy for grade 1–2."""
    result = {}
    if grade is None:
        return result
    if in_dibao_family:
        result[Programme.DISABILITY_LIVING] = policy.amount(K.DISABILITY_LIVING_AMOUNT)
    care = policy.raw(K.DISABILITY_CARE_AMOUNTS).get(str(grade))
    if care is not None:
        result[Programme.DISABILITY_CARE] = Decimal(str(care))
    return result


# ---------------------------------------------------------------- dynamic management


@dataclass(frozen=True)
class ReviewFacts:
    decided_on: date
    income_stable: bool
    has_member_able_to_work: bool
    member_died_on: date | None = None


def payment_ends_after_death(died_on: date) -> date:
    """A benefit is paid for the month of the death and stops from the next month (死亡次月起停发):
    the first month not paid. The payment rolls' death check (payments.rolls.DECEASED_SQL, a line
    of a month after the death) and the sweep's recovery flag read the death the same way."""
    return next_month_start(died_on)


def review_due_after_death(policy: Policy, died_on: date) -> date:
    """A member's death brings the household's review within the configured months of the death."""
    return add_months(died_on, policy.months(K.REVIEW_AFTER_DEATH_MONTHS))


def next_review_due(policy: Policy, facts: ReviewFacts) -> tuple[date, ReviewReason]:
    """Stable households yearly; irregular income or members able to work every 6 months;
    a death triggers a review within 3 months — whichever comes first.
    (ledger.reviews computes the same set-based in SQL for the whole schedule.)"""
    if facts.income_stable and not facts.has_member_able_to_work:
        due, reason = add_months(facts.decided_on, policy.months(K.REVIEW_STABLE_MONTHS)), ReviewReason.STABLE
    else:
        due, reason = add_months(facts.decided_on, policy.months(K.REVIEW_UNSTABLE_MONTHS)), ReviewReason.UNSTABLE
    if facts.member_died_on:
        after_death = review_due_after_death(policy, facts.member_died_on)
        if after_death < due:
            due, reason = after_death, ReviewReason.DEATH
    return due, reason


def gradual_exit_schedule(policy: Policy, *, monthly_amount: Decimal, income_from_work: bool) -> list[Decimal]:
    """渐退: when work lifts income above the standard, payment continues for up to N months
    (stepping down evenly) instead of stopping at once; other reasons stop at once."""
    if not income_from_work:
        return []
    months = policy.months(K.GRADUAL_EXIT_MONTHS)
    return [(monthly_amount * (months - i) / months).quantize(FEN, ROUND_HALF_UP) for i in range(months)]


def fraud_recovery(
    *, months_paid_wrongly: int, monthly_amount: Decimal, fine_multiple: Decimal
) -> tuple[Decimal, Decimal]:
    """Fraud: recover what was paid, fine 1–3 times that amount."""
    if not Decimal(1) <= fine_multiple <= Decimal(3):
        raise ValueError("罚款倍数应在1至3倍之间")
    recovered = monthly_amount * months_paid_wrongly
    return recovered, (recovered * fine_multiple).quantize(FEN, ROUND_HALF_UP)


def incompatible_with(policy: Policy, programme: str, existing: set[str]) -> str | None:
    """The first existing enrolment that may not be held together with `programme`."""
    for pair in policy.items(K.INCOMPATIBLE):
        a, b = pair
        if programme == a and b in existing:
            return b
        if programme == b and a in existing:
            return a
    return None


# ---------------------------------------------------------------- elderly (养老服务)


@dataclass(frozen=True)
class AgeTier:
    """One band of 高龄津贴: ages from_age..to_age inclusive (to_age None = and above)."""

    from_age: int
    to_age: int | None
    amount: Decimal

    @property
    def label(self) -> str:
        return f"{self.from_age}周岁以上" if self.to_age is None else f"{self.from_age}—{self.to_age}周岁"


def elderly_allowance_tiers(policy: Policy) -> list[AgeTier]:
    """The county's 高龄津贴 bands (parameter elderly.allowance_tiers), youngest first."""
    tiers = [
        AgeTier(
            int(t["from_age"]), None if t.get("to_age") in (None, "") else int(t["to_age"]), Decimal(str(t["amount"]))
        )
        for t in policy.items(K.ELDERLY_ALLOWANCE_TIERS)
    ]
    return sorted(tiers, key=lambda t: t.from_age)


def age_reached_on(birth_date: date, age: int) -> date:
    """The day a person reaches `age` 周岁: the same day `age` years on, the month's last day when the
    month has no such day (29 Feb → 28 Feb; 民法典 第二百零二条)."""
    return add_months(birth_date, 12 * age)


def age_on(birth_date: date, day: date) -> int:
    """Full years (周岁) on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def elderly_allowance_tier(policy: Policy, age: int) -> AgeTier | None:
    """高龄津贴 band for an age, None below the first band (the county's own tiers)."""
    for tier in elderly_allowance_tiers(policy):
        if age >= tier.from_age and (tier.to_age is None or age <= tier.to_age):
            return tier
    return None


def elderly_allowance_start(policy: Policy, birth_date: date, decided_on: date) -> date | None:
    """First month 高龄津贴 is paid: the month after the later of reaching the first band's age and the
    decision (津贴自年满周岁或审批的次月起发放); None when the person never reaches a band."""
    tiers = elderly_allowance_tiers(policy)
    if not tiers:
        return None
    reached = age_reached_on(birth_date, tiers[0].from_age)
    return next_month_start(max(reached, decided_on))


def elderly_allowance_for_month(policy: Policy, birth_date: date, month: date) -> Decimal | None:
    """高龄津贴 for a month: the band of the age reached by the end of the month before (a band
    starts the month after the birthday), None when not eligible."""
    day_before = month.replace(day=1) - timedelta(days=1)
    tier = elderly_allowance_tier(policy, age_on(birth_date, day_before))
    return tier.amount if tier else None


def elderly_service_subsidy(policy: Policy, *, age: int, in_dibao: bool, in_tekun: bool) -> Decimal | None:
    """经济困难老年人服务补贴: 低保 or 特困 elderly from the county's minimum age."""
    rule = policy.raw(K.ELDERLY_SERVICE_AMOUNT)
    if age < int(rule["min_age"]) or not (in_dibao or in_tekun):
        return None
    return Decimal(str(rule["amount"]))


def elderly_care_subsidy(policy: Policy, *, care_level: str | None, in_dibao: bool, in_tekun: bool) -> Decimal | None:
    """经济困难失能老年人护理补贴: by the assessed care level (the 特困 self-care scale), for 低保 or 特困
    elderly; a self-caring person gets none."""
    if not care_level or not (in_dibao or in_tekun):
        return None
    amount = policy.raw(K.ELDERLY_CARE_AMOUNTS).get(care_level)
    return Decimal(str(amount)) if amount is not None else None


def home_care_hours(policy: Policy, classes: set[str]) -> int:
    """政府购买居家养老服务 hours a month: the most generous of the classes the person is in (特困,
    低保, 高龄津贴 …), 0 when in none."""
    hours = policy.raw(K.HOME_CARE_HOURS)
    return max((int(hours[c]) for c in classes if c in hours), default=0)
