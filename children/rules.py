"""Rules of children's welfare (儿童福利) as pure functions: facts and a Policy in, a result out, no
database (docs/domain.md §4.8). Their table test is children/tests/test_rules_table.py.

Basis: 国务院关于加强困境儿童保障工作的意见（国发〔2016〕36号）; 国务院关于加强农村留守儿童关爱保护工作的
意见（国发〔2016〕13号）; 关于进一步健全农村留守儿童和困境儿童关爱服务体系的意见（民发〔2019〕34号）;
未成年人保护法 第十一条; 关于建立侵害未成年人案件强制报告制度的意见（试行）（高检发〔2020〕9号）."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from policy.parameters import MissingParameter, Policy
from policy.programmes import ParameterKey as K


class Category:
    ORPHAN = "orphan"
    UNSUPPORTED = "unsupported"
    POVERTY = "poverty"
    DISABILITY = "disability"
    GUARDIANSHIP = "guardianship"
    LEFT_BEHIND = "left_behind"


CATEGORY_LABELS = {
    Category.ORPHAN: "孤儿",
    Category.UNSUPPORTED: "事实无人抚养儿童",
    Category.POVERTY: "困境儿童（家庭经济困难）",
    Category.DISABILITY: "困境儿童（自身残疾或重病）",
    Category.GUARDIANSHIP: "困境儿童（监护缺失或监护不当）",
    Category.LEFT_BEHIND: "农村留守儿童",
}
# 困境儿童 in the sense of 国发〔2016〕36号: the three kinds the local allowance may pay
IN_DIFFICULTY = {Category.POVERTY, Category.DISABILITY, Category.GUARDIANSHIP}


class Risk:
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


RISK_LABELS = {Risk.HIGH: "高风险", Risk.MEDIUM: "中风险", Risk.LOW: "低风险"}


class Situation:
    """A guardian's situation (监护人情况)."""

    NORMAL = "normal"
    DEAD = "dead"
    MISSING = "missing"
    PRISON = "prison"
    DETOX = "detox"
    REVOKED = "revoked"
    SEVERE_DISABILITY = "severe_disability"
    SERIOUS_ILLNESS = "serious_illness"
    MIGRANT = "migrant"


SITUATION_LABELS = {
    Situation.NORMAL: "正常履行监护",
    Situation.DEAD: "死亡",
    Situation.MISSING: "失踪",
    Situation.PRISON: "服刑在押",
    Situation.DETOX: "强制隔离戒毒",
    Situation.REVOKED: "被撤销监护资格",
    Situation.SEVERE_DISABILITY: "重残",
    Situation.SERIOUS_ILLNESS: "重病",
    Situation.MIGRANT: "外出务工",
}
# cannot look after the child at all (事实无人抚养: 民发〔2019〕62号 第二条)
ABSENT = {Situation.DEAD, Situation.MISSING, Situation.PRISON, Situation.DETOX, Situation.REVOKED}
# present but unable to (无监护能力)
UNABLE = ABSENT | {Situation.SEVERE_DISABILITY, Situation.SERIOUS_ILLNESS}
LEFT_BEHIND_AGE = 16  # 国发〔2016〕13号: 不满十六周岁 — the definition itself, not a local number


def is_left_behind(age: int, parents: list[str]) -> bool:
    """农村留守儿童: under 16, both parents away working, or one away and the other unable to look after
    the child (国发〔2016〕13号). `parents` are the situations of the father and mother."""
    if age >= LEFT_BEHIND_AGE or not parents:
        return False
    away = [s for s in parents if s == Situation.MIGRANT]
    others = [s for s in parents if s != Situation.MIGRANT]
    return bool(away) and all(s in UNABLE for s in others)


def parental_care_category(father: str | None, mother: str | None) -> str | None:
    """孤儿 when both parents are dead (民发〔2010〕161号); 事实无人抚养儿童 when both are dead, missing,
    imprisoned, in compulsory detox, deprived of guardianship, severely disabled or seriously ill but
    not both dead (民发〔2019〕62号 第二条); None otherwise or when a parent's situation is unknown.
    outreach.finders.find_orphans / find_unsupported_children apply the same rule set-based."""
    if father == Situation.DEAD and mother == Situation.DEAD:
        return Category.ORPHAN
    if father in UNABLE and mother in UNABLE:
        return Category.UNSUPPORTED
    return None


def suggested_risk(category: str, situations: list[str]) -> str:
    """The risk level the 儿童主任 starts from (they may set another): no guardian who can look after the
    child, or a guardianship case (abuse, neglect) → high; a guardian severely disabled or ill, or a
    child in difficulty of another kind → medium; otherwise (left-behind with a carer) → low."""
    if category == Category.GUARDIANSHIP or (situations and all(s in ABSENT for s in situations)):
        return Risk.HIGH
    if (
        category in IN_DIFFICULTY
        or any(s in UNABLE for s in situations)
        or category
        in (
            Category.ORPHAN,
            Category.UNSUPPORTED,
        )
    ):
        return Risk.MEDIUM
    return Risk.LOW


def visit_every_days(policy: Policy, risk: str) -> int:
    """Days between two visits for a risk level (`child.visit_days`, local policy)."""
    table = policy.raw(K.CHILD_VISIT_DAYS)
    if not isinstance(table, dict) or risk not in table:
        raise MissingParameter(K.CHILD_VISIT_DAYS, policy.area_code, policy.on)
    return int(table[risk])


def next_visit_due(policy: Policy, risk: str, last_visit: date | None, recorded_on: date) -> date:
    """The next visit is due `visit_every_days` after the last one (after the record was made when the
    child has not been visited yet)."""
    return (last_visit or recorded_on) + timedelta(days=visit_every_days(policy, risk))


def visit_overdue(due_on: date | None, today: date) -> bool:
    return due_on is not None and due_on < today


@dataclass(frozen=True)
class Allowance:
    amount: Decimal | None
    working: str


def difficulty_allowance(policy: Policy, category: str) -> Allowance:
    """困境儿童基本生活补贴 where local policy pays one (`child.difficulty_amount` set for the area): only
    the three kinds of 国发〔2016〕36号; orphans and unsupported children have their own programmes, and
    left-behind children are cared for, not paid."""
    if category not in IN_DIFFICULTY:
        return Allowance(None, f"{CATEGORY_LABELS.get(category, category)}不属于困境儿童基本生活补贴对象")
    try:
        amount = policy.amount(K.CHILD_DIFFICULTY_AMOUNT)
    except MissingParameter:
        return Allowance(None, "本地未出台困境儿童基本生活补贴政策")
    if amount <= 0:
        return Allowance(None, "本地未出台困境儿童基本生活补贴政策")
    return Allowance(amount, f"困境儿童基本生活补贴{amount}元/月")


# ------------------------------------------------------------------ mandatory report (强制报告)


def report_deadline(policy: Policy, discovered_at: datetime) -> datetime:
    """A suspected abuse or abandonment must reach the police and the township within
    `child.report_hours` clock hours of its discovery (未成年人保护法 第十一条: 立即报告; the hours are
    local practice)."""
    return discovered_at + timedelta(hours=int(policy.raw(K.CHILD_REPORT_HOURS)))


def report_state(due_at: datetime, police_at: datetime | None, township_at: datetime | None, now: datetime) -> str:
    """done: the police and the township both have it; late: done after the deadline; overdue: the
    deadline passed and one of them does not have it (escalated to the county); open: still in time."""
    if police_at and township_at:
        return "late" if max(police_at, township_at) > due_at else "done"
    return "overdue" if now > due_at else "open"
