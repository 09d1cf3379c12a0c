"""Relief's rules as pure functions (docs/domain.md §13): the relief amount of a household from
dated policy data, and when a level must have reported a stage."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.errors import DomainError
from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from relief.errors import ReliefCode
from relief.models import Anchor, ReliefCategory

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ReliefAmount:
    amount: Decimal
    basis: str


def relief_amount(policy: Policy, category: str, *, persons: int, days: int = 0) -> ReliefAmount:
    """自然灾害救助标准 (`disaster.relief_amounts`): 倒房重建 a sum per household; 过渡期生活救助 per
    person and day, at most `transitional_max_days` days; 冬春救助 per person. 自然灾害救助条例
    第十九、二十条: standards are set locally (province/county), so the numbers are policy data."""
    table = policy.raw(K.DISASTER_RELIEF_AMOUNTS)
    if persons < 1:
        raise DomainError(ReliefCode.BAD_INPUT, "救助人数至少为1人")
    if category == ReliefCategory.REBUILD:
        per = Decimal(str(table["rebuild_per_household"]))
        return ReliefAmount(per.quantize(CENT), f"倒房重建每户{per}元")
    if category == ReliefCategory.TRANSITIONAL:
        most = int(table["transitional_max_days"])
        if days < 1:
            raise DomainError(ReliefCode.BAD_INPUT, "过渡期生活救助须填写救助天数")
        if days > most:
            raise DomainError(ReliefCode.BAD_INPUT, f"过渡期生活救助最长{most}天")
        per = Decimal(str(table["transitional_per_person_day"]))
        amount = (per * persons * days).quantize(CENT, ROUND_HALF_UP)
        return ReliefAmount(amount, f"每人每天{per}元×{persons}人×{days}天")
    if category == ReliefCategory.WINTER_SPRING:
        per = Decimal(str(table["winter_spring_per_person"]))
        amount = (per * persons).quantize(CENT, ROUND_HALF_UP)
        return ReliefAmount(amount, f"冬春救助每人{per}元×{persons}人")
    raise DomainError(ReliefCode.BAD_INPUT, "未知的救助类别")


def due_at(
    *,
    anchor: str,
    minutes: int | None,
    working_days: int | None,
    started_at: datetime,
    report_date: date,
    stable_on: date | None,
    add_working_days,
    tz,
) -> datetime:
    """When a report is due: `minutes` after the event start (初报); `minutes` after midnight of the
    day after the reported day (续报: figures to 24:00, reported next morning); the end of the
    `working_days`-th working day after the stable date (核报)."""
    if anchor == Anchor.EVENT_START:
        return started_at + timedelta(minutes=minutes or 0)
    if anchor == Anchor.NEXT_DAY:
        midnight = datetime.combine(report_date + timedelta(days=1), time(0, 0), tzinfo=tz)
        return midnight + timedelta(minutes=minutes or 0)
    if anchor == Anchor.STABLE:
        if stable_on is None:
            raise DomainError(ReliefCode.NOT_STABLE, "县级还没有确认灾情稳定，暂不能核报")
        last_day = add_working_days(stable_on, working_days or 0)
        return datetime.combine(last_day, time(23, 59, 59), tzinfo=tz)
    raise DomainError(ReliefCode.NO_DEADLINE, "未知的时限起算方式")
