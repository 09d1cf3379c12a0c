"""灾情报告: the county declares an event; each affected village reports its losses by stage
(初报/续报/核报) within the time limits of `ReportDeadline`; the township checks and forwards (核查
上报) or returns; the county reads the summary of what was forwarded, and what is late or missing."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from areas import codes
from areas.jurisdiction import current_scope
from areas.models import Area
from cases.workdays import WorkCalendar
from core.errors import DomainError
from relief import rules
from relief.errors import ReliefCode
from relief.models import DisasterEvent, Level, LossReport, ReportDeadline, Stage


def declare_event(*, user, name: str, kind: str, started_at: datetime, areas: list[str], description: str = ""):
    """登记灾害事件 (county): the areas must be townships or villages of the user's county."""
    name = (name or "").strip()
    if not name:
        raise DomainError(ReliefCode.BAD_INPUT, "请填写灾害名称")
    if not areas:
        raise DomainError(ReliefCode.BAD_INPUT, "请至少选择一个受灾乡镇或村")
    if started_at > timezone.now() + timedelta(minutes=5):
        raise DomainError(ReliefCode.BAD_INPUT, "发生时间不能晚于现在")
    scope = current_scope()
    for code in areas:
        try:
            level = codes.level_of(code)
        except codes.InvalidAreaCode:
            raise DomainError(ReliefCode.BAD_INPUT, "受灾区域代码有误") from None
        if level not in (codes.TOWNSHIP, codes.VILLAGE) or not scope.allows(code):
            raise DomainError(ReliefCode.OUT_OF_AREA, "受灾区域须是本辖区内的乡镇或村")
    county = codes.county_of(areas[0])
    if any(codes.county_of(code) != county for code in areas):
        raise DomainError(ReliefCode.BAD_INPUT, "一个灾害事件的受灾区域须在同一个县内")
    return DisasterEvent.objects.create(
        name=name,
        kind=kind,
        started_at=started_at,
        areas=sorted(set(areas)),
        description=description,
        area_code=county,
        created_by=user,
    )


def mark_stable(event: DisasterEvent, *, stable_on: date, user) -> DisasterEvent:
    """灾情稳定: from this date the 核报 clock runs."""
    if stable_on < timezone.localtime(event.started_at).date() or stable_on > timezone.localdate():
        raise DomainError(ReliefCode.BAD_INPUT, "灾情稳定日期须在发生日期和今天之间")
    event.stable_on = stable_on
    event.save(update_fields=["stable_on"])
    return event


def affected_villages(event: DisasterEvent) -> list[Area]:
    """Every current village inside the event's areas (each must report)."""
    if not event.areas:
        return []
    wanted = Q()
    for code in event.areas:
        wanted |= Q(code__startswith=codes.prefix_of(code))
    return list(Area.objects.current().filter(wanted, level=codes.VILLAGE).order_by("code"))


def deadline_rule(level: str, stage: str, on: date) -> ReportDeadline:
    rule = (
        ReportDeadline.objects.filter(level=level, stage=stage, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if rule is None:
        raise DomainError(ReliefCode.NO_DEADLINE, "未设置灾情报送时限，请管理员录入")
    return rule


def due(event: DisasterEvent, level: str, stage: str, report_date: date, calendar: WorkCalendar | None = None):
    start_day = timezone.localtime(event.started_at).date()
    rule = deadline_rule(level, stage, start_day)
    calendar = calendar or WorkCalendar()
    return rules.due_at(
        anchor=rule.anchor,
        minutes=rule.minutes,
        working_days=rule.working_days,
        started_at=event.started_at,
        report_date=report_date,
        stable_on=event.stable_on,
        add_working_days=calendar.add_working_days,
        tz=timezone.get_current_timezone(),
    )


def _report_date(event: DisasterEvent, stage: str, report_date: date | None) -> date:
    if stage == Stage.INITIAL:
        return timezone.localtime(event.started_at).date()
    if stage == Stage.FINAL:
        if event.stable_on is None:
            raise DomainError(ReliefCode.NOT_STABLE, "县级还没有确认灾情稳定，暂不能核报")
        return event.stable_on
    day = report_date or timezone.localdate()
    if day < timezone.localtime(event.started_at).date() or day > timezone.localdate():
        raise DomainError(ReliefCode.BAD_INPUT, "续报的统计日期须在灾害发生之后、不晚于今天")
    return day


@transaction.atomic
def submit_report(
    *,
    user,
    event: DisasterEvent,
    village_code: str,
    stage: str,
    figures: dict,
    note: str = "",
    report_date: date | None = None,
    now: datetime | None = None,
) -> LossReport:
    """报灾: a village's figures for one stage; the latest report of a stage is the one that counts."""
    now = now or timezone.now()
    if stage not in Stage.values:
        raise DomainError(ReliefCode.BAD_INPUT, "请选择报送阶段")
    if not current_scope().allows(village_code):
        raise DomainError(ReliefCode.OUT_OF_AREA, "只能报送本辖区的灾情")
    if village_code not in {area.code for area in affected_villages(event)}:
        raise DomainError(ReliefCode.NOT_AFFECTED, "该村不在本次灾害的受灾区域，请联系县民政局")
    day = _report_date(event, stage, report_date)
    values = {}
    for name in LossReport.FIGURES:
        value = figures.get(name) or 0
        try:
            value = Decimal(str(value)) if name in ("crops_affected_ha", "crops_lost_ha", "direct_loss") else int(value)
        except (ArithmeticError, ValueError):
            raise DomainError(
                ReliefCode.BAD_INPUT, f"“{LossReport._meta.get_field(name).verbose_name}”须是数字"
            ) from None
        if value < 0:
            raise DomainError(ReliefCode.BAD_INPUT, f"“{LossReport._meta.get_field(name).verbose_name}”不能为负数")
        values[name] = value
    if values["relocated_people"] > values["affected_people"] or values["needing_aid"] > values["affected_people"]:
        raise DomainError(ReliefCode.BAD_INPUT, "转移安置或需救助人数不能多于受灾人口")
    if values["crops_lost_ha"] > values["crops_affected_ha"]:
        raise DomainError(ReliefCode.BAD_INPUT, "绝收面积不能大于受灾面积")
    calendar = WorkCalendar()
    return LossReport.objects.create(
        event=event,
        area_code=village_code,
        stage=stage,
        report_date=day,
        note=(note or "")[:300],
        due_at=due(event, Level.VILLAGE, stage, day, calendar),
        check_due_at=due(event, Level.TOWNSHIP, stage, day, calendar),
        submitted_at=now,
        submitted_by=user,
        **values,
    )


@transaction.atomic
def check_report(*, user, report: LossReport, forward: bool, note: str = "", now: datetime | None = None) -> LossReport:
    """核查: the township forwards the report to the county, or returns it with a reason."""
    report = LossReport.objects.select_for_update().get(pk=report.pk)
    if report.status != LossReport.Status.SUBMITTED:
        raise DomainError(ReliefCode.ALREADY_CHECKED, "这份报告已经核查过了")
    if codes.level_of(user.area_code or "000000000000") == codes.VILLAGE:
        raise DomainError(ReliefCode.NO_PERMISSION, "灾情由乡镇（街道）核查上报")
    if not forward and not (note or "").strip():
        raise DomainError(ReliefCode.BAD_INPUT, "退回时请写明原因")
    report.status = LossReport.Status.FORWARDED if forward else LossReport.Status.RETURNED
    report.checked_at = now or timezone.now()
    report.checked_by = user
    report.check_note = (note or "")[:200]
    report.save(update_fields=["status", "checked_at", "checked_by", "check_note"])
    return report


# ------------------------------------------------------------------ the summary


@dataclass
class StageState:
    stage: str
    due_at: datetime | None
    report: LossReport | None
    text: str
    tone: str  # "", "success", "warning", "danger"
    village_late: bool = False  # reported late, or not at all after the time limit
    township_late: bool = False  # forwarded late, or still unchecked after its time limit


@dataclass
class VillageRow:
    area: Area
    township: str
    states: list[StageState]
    latest: LossReport | None  # the latest forwarded report (what goes up)
    pending: int  # reports waiting for the township
    late: bool
    township_late: bool = False
    missing_updates: int = 0


@dataclass
class Summary:
    rows: list[VillageRow]
    totals: dict[str, Decimal] = field(default_factory=dict)
    late: int = 0
    township_late: int = 0
    missing: int = 0
    pending: int = 0
    reported: int = 0


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}分钟"
    hours, rest = divmod(minutes, 60)
    return f"{hours}小时{rest}分钟" if rest else f"{hours}小时"


def _state(stage: str, due_at, check_due, report: LossReport | None, now) -> StageState:
    if report is None:
        if due_at is None:
            return StageState(stage, None, None, "未开始", "")
        if now > due_at:
            return StageState(
                stage, due_at, None, f"逾期未报（超{_minutes(now - due_at)}）", "danger", village_late=True
            )
        return StageState(stage, due_at, None, "未到期", "")
    parts, tone = [], "success"
    village_late = report.submitted_at > report.due_at
    township_late = (report.status == LossReport.Status.FORWARDED and report.checked_at > report.check_due_at) or (
        report.status == LossReport.Status.SUBMITTED and now > report.check_due_at
    )
    if village_late:
        parts.append(f"迟报{_minutes(report.submitted_at - report.due_at)}")
        tone = "danger"
    else:
        parts.append("按时报送")
    if report.status == LossReport.Status.FORWARDED:
        if report.checked_at > report.check_due_at:
            parts.append(f"乡镇迟报{_minutes(report.checked_at - report.check_due_at)}")
            tone = "danger"
        else:
            parts.append("乡镇已核查上报")
    elif report.status == LossReport.Status.RETURNED:
        parts.append("已退回待重报")
        tone = "warning" if tone != "danger" else tone
    elif now > report.check_due_at:
        parts.append("乡镇核查超期")
        tone = "danger"
    else:
        parts.append("待乡镇核查")
        tone = "warning" if tone != "danger" else tone
    return StageState(stage, due_at, report, "，".join(parts), tone, village_late, township_late)


def summary(event: DisasterEvent, now: datetime | None = None) -> Summary:
    """The county's view: per village, each stage's state (on time, late, missing, waiting for the
    township) and the latest forwarded figures; totals of what was forwarded (the upward report)."""
    now = now or timezone.now()
    villages = [v for v in affected_villages(event) if current_scope().allows(v.code)]
    townships = dict(
        Area.objects.filter(code__in={codes.township_of(v.code) for v in villages}).values_list("code", "name")
    )
    reports: dict[str, list[LossReport]] = {}
    for report in LossReport.objects.filter(event=event).order_by("submitted_at", "id"):
        reports.setdefault(report.area_code, []).append(report)
    calendar = WorkCalendar()
    start_day = timezone.localtime(event.started_at).date()
    fixed_due = {Stage.INITIAL: due(event, Level.VILLAGE, Stage.INITIAL, start_day, calendar)}
    fixed_due[Stage.FINAL] = (
        due(event, Level.VILLAGE, Stage.FINAL, event.stable_on, calendar) if event.stable_on else None
    )
    # 续报: every day from the start until the stable date (or yesterday) needs a report
    last_update_day = min(event.stable_on or timezone.localdate(), timezone.localdate() - timedelta(days=1))
    update_days = []
    day = start_day
    while day <= last_update_day:
        update_days.append((day, due(event, Level.VILLAGE, Stage.UPDATE, day, calendar)))
        day += timedelta(days=1)
    result = Summary(rows=[])
    totals = {name: Decimal(0) for name in LossReport.FIGURES}
    for village in villages:
        mine = reports.get(village.code, [])
        latest_of = {}
        for report in mine:
            key = (report.stage, report.report_date) if report.stage == Stage.UPDATE else report.stage
            if report.status != LossReport.Status.RETURNED or key not in latest_of:
                latest_of[key] = report
        states = [_state(Stage.INITIAL, fixed_due[Stage.INITIAL], None, latest_of.get(Stage.INITIAL), now)]
        updates = [r for k, r in latest_of.items() if isinstance(k, tuple)]
        reported_days = {r.report_date for r in updates}
        missing_updates = sum(1 for d, due_at in update_days if d not in reported_days and now > due_at)
        last_update = max(updates, key=lambda r: (r.report_date, r.submitted_at), default=None)
        if last_update is not None:
            update_state = _state(Stage.UPDATE, last_update.due_at, None, last_update, now)
            update_state.text = f"{last_update.report_date:%m月%d日}：{update_state.text}"
        else:
            update_state = StageState(Stage.UPDATE, None, None, "无", "")
        if missing_updates:
            update_state.text += f"；缺报{missing_updates}天"
            update_state.tone = "danger"
        states.append(update_state)
        states.append(_state(Stage.FINAL, fixed_due[Stage.FINAL], None, latest_of.get(Stage.FINAL), now))
        forwarded = [r for r in mine if r.status == LossReport.Status.FORWARDED]
        order = {Stage.INITIAL: 0, Stage.UPDATE: 1, Stage.FINAL: 2}
        latest = max(forwarded, key=lambda r: (order[r.stage], r.report_date, r.submitted_at), default=None)
        pending = sum(1 for r in mine if r.status == LossReport.Status.SUBMITTED)
        late = any(s.village_late for s in states) or missing_updates > 0
        row = VillageRow(village, townships.get(codes.township_of(village.code), ""), states, latest, pending, late)
        row.township_late = any(s.township_late for s in states)
        result.township_late += row.township_late
        row.missing_updates = missing_updates
        result.rows.append(row)
        if latest is not None:
            for name in LossReport.FIGURES:
                totals[name] += getattr(latest, name)
        result.late += late
        result.missing += states[0].report is None and states[0].tone == "danger"
        result.pending += pending
        result.reported += bool(mine)
    result.totals = totals
    return result


def village_choices(user, event: DisasterEvent) -> list[Area]:
    """The affected villages this user may report for (a 民生员: their village; a clerk: the township's)."""
    return [v for v in affected_villages(event) if current_scope().allows(v.code)]
