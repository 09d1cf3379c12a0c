"""The rules of marriage registration as pure functions (docs/domain.md §16).

Each function takes facts and the numbers in force (a `policy.parameters.Policy`, a calendar) and
returns a result with its working — the lines the registrar reads out at the window — and, when a
rule fails, the rule that failed. No database access here: `marriage.services` gathers the facts.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from policy.parameters import Policy
from policy.programmes import ParameterKey as K

MALE, FEMALE = "M", "F"


@dataclass(frozen=True)
class Party:
    """One party at the window: what the ID says and what our register and the party declare."""

    name: str
    sex: str  # "M" / "F" (from the ID number)
    birth_date: date
    married_in_register: bool = False  # an in-force marriage in our own register
    declared_no_spouse: bool = False  # 本人无配偶 (the record may be at another office)
    declared_no_kinship: bool = False  # 与对方无直系血亲和三代以内旁系血亲关系
    declared_voluntary: bool = False  # 完全自愿


@dataclass
class Decision:
    """The outcome at the window: allowed, or refused naming each rule that failed."""

    allowed: bool = True
    working: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # codes of the failed rules

    def fail(self, code: str, text: str) -> None:
        self.allowed = False
        self.rules.append(code)
        self.refusals.append(text)
        self.working.append("✗ " + text)

    def ok(self, text: str) -> None:
        self.working.append("✓ " + text)


def age_on(birth_date: date, on_date: date) -> int:
    """周岁: full years on `on_date` (a person born on 29 February turns a year older on 1 March)."""
    years = on_date.year - birth_date.year
    if (on_date.month, on_date.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def min_ages(policy: Policy) -> dict[str, int]:
    """法定婚龄 (民法典 第一千零四十七条: 男不得早于二十二周岁，女不得早于二十周岁) as dated policy data."""
    value = policy.raw(K.MARRIAGE_MIN_AGES)
    return {MALE: int(value[MALE]), FEMALE: int(value[FEMALE])}


def check_marriage(first: Party, second: Party, on_date: date, policy: Policy) -> Decision:
    """结婚登记: a man and a woman (第一千零四十九条), both of legal age (第一千零四十七条), both
    willing (第一千零四十六条), neither married (第一千零四十二条 重婚之禁止: our register is
    checked, and each declares having no spouse for records held elsewhere), no prohibited kinship
    (第一千零四十八条, declared)."""
    decision = Decision()
    if {first.sex, second.sex} != {MALE, FEMALE}:
        decision.fail("sexes", "结婚登记须男女双方共同申请（民法典第一千零四十九条）")
    else:
        decision.ok("男女双方共同申请")
    ages = min_ages(policy)
    for party in (first, second):
        age = age_on(party.birth_date, on_date)
        least = ages.get(party.sex, max(ages.values()))
        who = f"{party.name}（{'男' if party.sex == MALE else '女'}）"
        if age < least:
            decision.fail(
                "age",
                f"{who}{on_date:%Y年%m月%d日}年满{age}周岁，未达法定婚龄{least}周岁（民法典第一千零四十七条）",
            )
        else:
            decision.ok(f"{who}年满{age}周岁，达到法定婚龄{least}周岁")
    for party in (first, second):
        if party.married_in_register:
            decision.fail(
                "married", f"{party.name}在本平台婚姻登记簿中有有效婚姻记录（民法典第一千零四十二条禁止重婚）"
            )
        elif not party.declared_no_spouse:
            decision.fail("no_spouse_declaration", f"{party.name}未声明本人无配偶（婚姻登记条例：签署无配偶声明）")
        else:
            decision.ok(f"{party.name}：本平台登记簿无有效婚姻记录，本人声明无配偶")
    if not (first.declared_no_kinship and second.declared_no_kinship):
        decision.fail("kinship", "双方须声明无直系血亲和三代以内旁系血亲关系（民法典第一千零四十八条）")
    else:
        decision.ok("双方声明无直系血亲和三代以内旁系血亲关系")
    if not (first.declared_voluntary and second.declared_voluntary):
        decision.fail("voluntary", "结婚须男女双方完全自愿，双方须亲自到场声明（民法典第一千零四十六条）")
    else:
        decision.ok("双方亲自到场，声明完全自愿")
    return decision


def check_divorce_application(*, marriage_in_force: bool, agreement_signed: bool, both_present: bool) -> Decision:
    """协议离婚申请 (民法典 第一千零七十六条): both parties in person, with a written divorce agreement
    that settles the children, property and debts, of a marriage still in force."""
    decision = Decision()
    if not marriage_in_force:
        decision.fail("not_married", "该婚姻登记已解除或已撤销，不能申请离婚登记")
    else:
        decision.ok("婚姻登记有效")
    if not both_present:
        decision.fail("both_present", "协议离婚须双方亲自到婚姻登记机关申请（民法典第一千零七十六条）")
    else:
        decision.ok("双方亲自到场申请")
    if not agreement_signed:
        decision.fail(
            "agreement", "须提交双方签名的书面离婚协议，对子女抚养、财产及债务处理协商一致（民法典第一千零七十六条）"
        )
    else:
        decision.ok("已提交书面离婚协议")
    return decision


class Calendar(Protocol):
    def next_workday(self, day: date) -> date: ...


@dataclass(frozen=True)
class DivorcePeriods:
    received_on: date
    cooling_off_ends_on: date  # last day on which either party may withdraw
    appear_by: date  # last day on which both may appear to be issued the certificate
    deemed_withdrawn_on: date  # the day after: the application is deemed withdrawn
    working: list[str]


def _period_end(start: date, days: int, calendar: Calendar) -> tuple[date, str]:
    """A period of `days` calendar days after `start` (民法典 第二百零一条: the first day is not
    counted); when its last day is a day off it ends on the next working day (第二百零三条)."""
    end = start + timedelta(days=days)
    moved = calendar.next_workday(end)
    note = f"（{end:%m月%d日}为法定休假日，顺延至{moved:%m月%d日}）" if moved != end else ""
    return moved, note


def divorce_periods(received_on: date, policy: Policy, calendar: Calendar, appear_days: int) -> DivorcePeriods:
    """离婚冷静期 (民法典 第一千零七十七条): 30 calendar days (the parameter) from the day the office
    received the application; then `appear_days` (30, the catalogue's step) for both to appear,
    after which the application is deemed withdrawn. Calendar days, not working days: holidays
    inside a period do not stretch it; only a last day that is a day off moves."""
    days = int(policy.raw(K.DIVORCE_COOLING_OFF_DAYS))
    cooling, note1 = _period_end(received_on, days, calendar)
    appear, note2 = _period_end(cooling, appear_days, calendar)
    working = [
        f"{received_on:%Y年%m月%d日}收到离婚登记申请",
        f"冷静期{days}日，至{cooling:%Y年%m月%d日}届满{note1}；期间任何一方可撤回申请",
        f"届满后{appear_days}日内双方须亲自到场申请发给离婚证，至{appear:%Y年%m月%d日}{note2}",
        f"逾期未到场的，{appear + timedelta(days=1):%Y年%m月%d日}起视为撤回离婚登记申请",
    ]
    return DivorcePeriods(received_on, cooling, appear, appear + timedelta(days=1), working)


def may_withdraw(periods: DivorcePeriods, on_date: date) -> bool:
    """Either party may withdraw within the cooling-off (第一千零七十七条第一款)."""
    return periods.received_on <= on_date <= periods.cooling_off_ends_on


def may_register_divorce(periods: DivorcePeriods, on_date: date) -> bool:
    """The certificate is issued when both appear after the cooling-off and within the 30 days."""
    return periods.cooling_off_ends_on < on_date <= periods.appear_by


def is_lapsed(periods: DivorcePeriods, on_date: date) -> bool:
    """Deemed withdrawn (视为撤回) from the day after the last day to appear."""
    return on_date >= periods.deemed_withdrawn_on


def marital_answer(*, in_force: int, any_record: int) -> str:
    """The answer to an agency (是否已婚): "yes" with an in-force marriage in our register; "no" when
    our register knows the person and no marriage of theirs is in force; "unknown" when it does not
    know them (a marriage may be held at another office)."""
    if in_force:
        return "yes"
    return "no" if any_record else "unknown"
