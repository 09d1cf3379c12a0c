"""The working-day calendar (工作日): deadlines of steps and cases count Chinese working days.

A day is a working day when an administrator's WorkdayOverride says so; otherwise when the
chinese-calendar package says so (statutory holidays off, adjusted weekends 调休 on); for years the
package does not know yet, Monday to Friday — never silently: until an administrator enters the
State Council's holiday notice for such a year (`enter_holiday_notice`, a HolidayNotice and the
year's overrides), every deadline that falls in it is provisional (`is_provisional`, shown as 暂定),
and administrators are warned CALENDAR_WARN_WEEKS ahead (`calendar_warnings`). Counting follows
Civil Code art. 201: the day a period starts is not counted. Calendar-day periods (公示 7 days, 离婚冷静期 30 days) are separate
and, where the rule says so, an end falling on a day off moves to the next working day.

A `WorkCalendar` takes the overrides of a year from a per-process table, read with one query the
first time a process needs that year and again once it is `OVERRIDES_TTL` seconds old: the table
changes a few times a year, while every accepted case and every approval needs it. An edit clears
this process's copy at once (signals below); other workers see it within `OVERRIDES_TTL` seconds.
"""

import enum
import functools
import re
import time
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import holidays as _package_holidays
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from areas.jurisdiction import system_scope
from audit.models import AuditEntry
from audit.services import record
from cases.models import HolidayNotice, WorkdayOverride
from core.errors import DomainError

OVERRIDES_TTL = 60
_overrides_by_year: dict[int, tuple[float, dict[date, bool]]] = {}

# The years the installed chinese-calendar release carries the State Council's notice for.
PACKAGE_YEARS = range(min(_package_holidays).year, max(_package_holidays).year + 1)
# How long before a year begins its missing holiday notice is shown to administrators. The notice
# is usually published in October or November of the year before.
CALENDAR_WARN_WEEKS = 12
_entered_years: tuple[float, frozenset[int]] | None = None


def overrides_of_year(year: int) -> dict[date, bool]:
    cached = _overrides_by_year.get(year)
    if cached is not None and time.monotonic() - cached[0] < OVERRIDES_TTL:
        return cached[1]
    rows = dict(WorkdayOverride.objects.filter(date__year=year).values_list("date", "is_workday"))
    _overrides_by_year[year] = (time.monotonic(), rows)
    return rows


@receiver(post_save, sender=WorkdayOverride)
@receiver(post_delete, sender=WorkdayOverride)
@receiver(post_save, sender=HolidayNotice)
@receiver(post_delete, sender=HolidayNotice)
def forget_overrides(**kwargs) -> None:
    """Now (this transaction's own deadlines) and after the commit (another request may have read
    the old rows meanwhile)."""
    _forget()
    transaction.on_commit(_forget)


def _forget() -> None:
    global _entered_years
    _overrides_by_year.clear()
    _entered_years = None


def entered_years() -> frozenset[int]:
    """The years whose holiday notice an administrator entered (read again after OVERRIDES_TTL)."""
    global _entered_years
    if _entered_years is None or time.monotonic() - _entered_years[0] >= OVERRIDES_TTL:
        _entered_years = (time.monotonic(), frozenset(HolidayNotice.objects.values_list("year", flat=True)))
    return _entered_years[1]


def year_is_known(year: int) -> bool:
    """Whether the days off of `year` are known: the package carries its notice, or it was entered."""
    return year in PACKAGE_YEARS or year in entered_years()


def is_provisional(day: date | None) -> bool:
    """暂定: a deadline in a year whose holiday notice nobody has entered was counted Monday to
    Friday and may move once the notice is entered."""
    return day is not None and not year_is_known(day.year)


@dataclass(frozen=True)
class CalendarWarning:
    year: int
    urgent: bool  # the year has begun (or begins within 4 weeks)
    message: str


def calendar_warnings(today: date) -> list[CalendarWarning]:
    """Years, from this one to CALENDAR_WARN_WEEKS ahead, whose holiday notice is not known."""
    horizon = today + timedelta(weeks=CALENDAR_WARN_WEEKS)
    out = []
    for year in range(today.year, horizon.year + 1):
        if year_is_known(year):
            continue
        urgent = today >= date(year, 1, 1) - timedelta(weeks=4)
        out.append(
            CalendarWarning(
                year,
                urgent,
                f"{year}年节假日安排尚未录入：{year}年的办理期限暂按周一至周五计算，标为“暂定”。"
                f"请在国务院办公厅发布通知后录入。",
            )
        )
    return out


# ------------------------------------------------------------------ entering a year's notice


class CalendarCode(enum.StrEnum):
    BAD_NOTICE = "bad_holiday_notice"


_DATE = re.compile(
    r"(?:(?P<y>\d{4})\s*[年\-/.]\s*)?(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*日?"
    r"|(?<=[至到~～])\s*(?P<d_only>\d{1,2})\s*日"
)
_RANGE = re.compile(r"[至到~～—－]|^\s*-\s*$")
_ASIDE = re.compile(r"[（(][^）)]*[）)]")
_LABEL = re.compile(r"^\s*(?:[一二三四五六七八九十]+、)?[^\d：:]{0,8}[：:]")


def parse_holiday_notice(year: int, text: str) -> dict[date, bool]:
    """The days of `year` that a holiday notice declares, read sentence by sentence as the State
    Council writes them ("二、春节：1月28日（农历除夕）至2月4日放假调休，共8天。1月26日（周日）、
    2月8日（周六）上班。") or one per line ("2027-02-14 上班"), the whole notice pasted with its title
    and signature date. A sentence with dates of the year must say 放假 or 上班; every error names
    its line."""
    days: dict[date, bool] = {}
    errors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        for sentence in re.split(r"[。；;]", raw):
            sentence = _LABEL.sub("", _ASIDE.sub("", sentence)).strip()
            matches = list(_DATE.finditer(sentence))
            if not matches:
                continue
            if "上班" in sentence:
                workday = True
            elif "放假" in sentence or "休息" in sentence:
                workday = False
            elif all(m["y"] and int(m["y"]) != year for m in matches):
                continue  # the notice's own date (发文日期) under its signature
            else:
                errors.append(f"第{number}行：“{sentence}”没有写明放假还是上班")
                continue
            try:
                named = _dates_of(year, sentence, matches)
            except ValueError as exc:
                errors.append(f"第{number}行：{exc}（{sentence}）")
                continue
            for day in named:
                if days.get(day, workday) != workday:
                    errors.append(f"第{number}行：{day.month}月{day.day}日前面已写为{'放假' if workday else '上班'}")
                days[day] = workday
    if errors:
        raise DomainError(CalendarCode.BAD_NOTICE, "；".join(errors))
    if not any(not workday for workday in days.values()):
        raise DomainError(CalendarCode.BAD_NOTICE, "没有放假日：请按通知录入放假和调休上班的日期")
    return days


def _day(year, month, day) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"没有{month}月{day}日这一天") from None


def _dates_of(year: int, sentence: str, matches) -> list[date]:
    """The days a sentence names: single dates, lists (、) and ranges (至), a range's end may omit
    its month ("1月1日至3日")."""
    out: list[date] = []
    previous: date | None = None
    for i, match in enumerate(matches):
        if match["d_only"]:
            if previous is None:
                raise ValueError("日期不完整")
            day = _day(previous.year, previous.month, match["d_only"])
        else:
            day = _day(match["y"] or year, match["m"], match["d"])
        if day.year != year:
            raise ValueError(f"日期不在{year}年")
        between = sentence[matches[i - 1].end() : match.start()] if i else ""
        if previous is not None and (match["d_only"] or _RANGE.search(between)):
            if day < previous:
                raise ValueError("结束日期早于开始日期")
            out.extend(previous + timedelta(days=n) for n in range(1, (day - previous).days + 1))
        else:
            out.append(day)
        previous = day
    return out


@transaction.atomic
def enter_holiday_notice(
    *, year: int, title: str, text: str, number: str = "", published_on: date | None = None, user=None
) -> HolidayNotice:
    """录入节假日安排: the notice and the year's overrides, all or nothing; entering it again replaces
    the year's overrides. Only a day that differs from the weekday rule needs a row, but every day the
    notice names is kept (a 放假 Saturday inside a holiday reads as the notice said it)."""
    if year in PACKAGE_YEARS:
        raise DomainError(CalendarCode.BAD_NOTICE, f"{year}年的节假日安排系统已内置，无需录入；个别调整请改工作日历")
    days = parse_holiday_notice(year, text)
    before = WorkCalendar(dict(WorkdayOverride.objects.filter(date__year=year).values_list("date", "is_workday")))
    WorkdayOverride.objects.filter(date__year=year).delete()
    WorkdayOverride.objects.bulk_create(
        WorkdayOverride(date=day, is_workday=workday, note=f"{year}年节假日安排")
        for day, workday in sorted(days.items())
    )
    notice, _ = HolidayNotice.objects.update_or_create(
        year=year,
        defaults={
            "title": title.strip() or f"国务院办公厅关于{year}年部分节假日安排的通知",
            "number": number.strip(),
            "published_on": published_on,
            "text": text,
            "entered_by": user,
        },
    )
    _forget()
    transaction.on_commit(_forget)
    with system_scope():  # the calendar is the country's: every open deadline, whoever enters it
        moved = recount_deadlines(year, before=before, after=WorkCalendar(days), user=user)
    off = sum(1 for workday in days.values() if not workday)
    record(
        AuditEntry.Action.CREATE,
        obj=notice,
        object_repr=f"录入{year}年节假日安排",
        changes={"放假天数": off, "调休上班天数": len(days) - off, "调整的办结期限": moved},
    )
    return notice


def recount_deadlines(year: int, *, before: "WorkCalendar", after: "WorkCalendar", user=None) -> int:
    """The working-day deadlines that fall in `year` or later — open cases, their active steps, open
    transfers and automatic 督办 — were counted with `before` (Monday to Friday); count the same
    working days again with `after` (the entered notice). Counting runs from the later of the last
    day before the year and the day the count started, so the days before the year — the same in
    both calendars — are kept. Public notice steps (calendar days) and a leader's 督办 (a date the
    leader chose) are left alone. Returns how many dates moved."""
    from audit.services import update_logged
    from cases.hooks import note
    from cases.models import Case, CaseStep, StepDefinition, Supervision, Transfer

    eve = date(year - 1, 12, 31)

    def recount(due: date, started: date | None) -> date:
        anchor = max(eve, started or eve)
        return after.add_working_days(anchor, before.working_days_between(anchor, due))

    moved = 0
    steps = CaseStep.objects.filter(state=CaseStep.State.ACTIVE, due_on__gt=eve).exclude(
        definition__kind=StepDefinition.Kind.NOTICE
    )
    for step in steps.select_related("case"):
        new_due = recount(step.due_on, step.started_on)
        if new_due != step.due_on:
            CaseStep.objects.filter(pk=step.pk).update(due_on=new_due)
            moved += 1
    for transfer in Transfer.objects.filter(state=Transfer.State.OPEN, due_on__gt=eve):
        new_due = recount(transfer.due_on, transfer.sent_on)
        if new_due != transfer.due_on:
            Transfer.objects.filter(pk=transfer.pk).update(due_on=new_due)
            moved += 1
    counted = [Supervision.Kind.AUTO, Supervision.Kind.TRANSFER]
    for supervision in Supervision.objects.filter(kind__in=counted, closed_on__isnull=True, due_on__gt=eve):
        new_due = recount(supervision.due_on, supervision.issued_on)
        if new_due != supervision.due_on:
            Supervision.objects.filter(pk=supervision.pk).update(due_on=new_due)
            moved += 1
    for case in Case.objects.filter(status__in=Case.OPEN, due_on__gt=eve):
        new_due = recount(case.due_on, case.clock_started_on)
        if new_due != case.due_on:
            old = case.due_on
            update_logged(Case.objects.all(), case, due_on=new_due)
            note(case, user, timezone.localdate(), f"录入{year}年节假日安排后，办结期限由{old}调整为{new_due}")
            moved += 1
    return moved


@functools.lru_cache(maxsize=4096)
def _statutory_workday(day: date) -> bool:
    """The package's answer, which never changes for a day: a deadline walks a month of days one by
    one, for every acceptance and approval."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library has no data for yet
        return day.weekday() < 5


# Guards against loops on a misconfigured calendar (a year of overrides all marked as days off).
_MAX_SCAN_DAYS = 3 * 366


class WorkCalendar:
    def __init__(self, overrides: dict[date, bool] | None = None):
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._loaded_years: set[int] = set() if overrides is None else {-1}
        self._static = overrides is not None  # tests may pass a fixed table and skip the database

    def _load(self, year: int) -> None:
        if self._static or year in self._loaded_years:
            return
        self._overrides.update(overrides_of_year(year))
        self._loaded_years.add(year)

    def is_workday(self, day: date) -> bool:
        self._load(day.year)
        if day in self._overrides:
            return self._overrides[day]
        return _statutory_workday(day)

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (start itself not counted); 0 → the next working day
        on or after start."""
        if days <= 0:
            return self.next_workday(start)
        day, counted = start, 0
        for _ in range(_MAX_SCAN_DAYS):
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
                if counted == days:
                    return day
        raise ValueError("工作日历配置异常：连续三年以上没有工作日")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start (days overdue)."""
        if end == start:
            return 0
        sign, low, high = (1, start, end) if end > start else (-1, end, start)
        count, day = 0, low
        while day < high:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return sign * count

    def next_workday(self, day: date) -> date:
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_workday(day):
                return day
            day += timedelta(days=1)
        raise ValueError("工作日历配置异常：连续三年以上没有工作日")

    def add_calendar_days(self, start: date, days: int, *, roll_to_workday: bool) -> date:
        """End of a calendar-day period of `days` days starting after `start`; moved to the next working
        day when it falls on a day off and the rule says so."""
        end = start + timedelta(days=days)
        return self.next_workday(end) if roll_to_workday else end


def calendar() -> WorkCalendar:
    return WorkCalendar()
