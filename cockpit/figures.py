"""The cockpit's figures: what each chart counts, rebuilt set-based into `cockpit.Figure`, read back
grouped by the next area level down (county → township → village), and the records behind each.

Each indicator is one named function over the live tables, grouped in the database by village
(the first 12 digits of the area code; a grid's records count in its village). `refresh_figures`
replaces every row in one transaction, so a chart never sees half a refresh.
"""

import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from areas import codes
from areas.jurisdiction import system_scope
from cases.deadlines import warn_days_on
from cases.models import Case, CaseStep, Supervision
from cases.workdays import WorkCalendar
from cockpit.models import Figure, Refresh
from ledger.models import Enrolment
from monitoring.models import Warning
from payments.models import PaymentRoll, RollLine
from policy.programmes import Programme
from registry.models import Household
from verification.models import Finding

VILLAGE_LENGTH = codes.PREFIX_LENGTH[codes.VILLAGE]
MONTHS = 12  # how many months of rolls the spending chart shows


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str
    keys: dict[str, str]  # key → label, in display order
    unit: str = "件"


LIGHTS = {"red": "超期", "yellow": "临期", "green": "正常", "paused": "暂停计时"}
INDICATORS = {
    i.code: i
    for i in [
        Indicator("case_status", "办件状态", {k: str(v) for k, v in Case.Status.choices}),
        Indicator("case_light", "在办办件时限", LIGHTS),
        Indicator("on_time", "近一年办结是否按时", {"on_time": "按时办结", "late": "超期办结"}),
        Indicator("supervision", "督办与超期", {"supervision": "督办中", "overdue_steps": "超期环节"}),
        Indicator("recipients", "保障人数", {**{k: str(v) for k, v in Programme.choices}, "all": "全部项目"}, "人"),
        Indicator(
            "warnings",
            "低收入人口预警",
            {"raised": "发现", "visited": "已走访", "applied": "已转申请救助", "closed": "已结案"},
        ),
        Indicator("findings", "比对发现", {k: str(v) for k, v in Finding.Kind.choices}, "条"),
    ]
}


def _village():
    return Substr("area_code", 1, VILLAGE_LENGTH)


def _rows(indicator: str, grouped, key=None) -> list[Figure]:
    """Figure rows from a values('village', ...).annotate(n=...) query."""
    return [
        Figure(
            indicator=indicator,
            area_code=row["village"],
            key=key if key is not None else row["key"],
            month=row.get("month"),
            rural=row.get("rural"),
            count=row["n"],
            amount_fen=row.get("fen") or 0,
        )
        for row in grouped
    ]


def light_bounds(today: date) -> date:
    """The last due date that is still 临期 (yellow) today: the supervision policy's warning days."""
    return WorkCalendar().add_working_days(today, warn_days_on(today))


def open_cases_by_light(light: str, today: date, warn_until: date):
    """Open cases in one due light: the same split as the case page's clock (cases.deadlines)."""
    open_ = Case.objects.filter(status__in=Case.OPEN)
    paused = Q(status__in=(Case.Status.MATERIALS, Case.Status.CORRECTION)) | Q(paused_on__isnull=False)
    running = open_.exclude(paused).exclude(due_on__isnull=True)
    return {
        "paused": open_.filter(paused),
        "red": running.filter(due_on__lt=today),
        "yellow": running.filter(due_on__gte=today, due_on__lte=warn_until),
        "green": running.filter(due_on__gt=warn_until),
    }[light]


def closed_cases(on_time: bool, today: date):
    """Cases closed in the last year, on time (closed by the due date) or late."""
    closed = Case.objects.filter(status__in=Case.FINISHED, closed_on__gte=today - timedelta(days=365))
    closed = closed.exclude(due_on__isnull=True)
    return closed.filter(closed_on__lte=F("due_on")) if on_time else closed.filter(closed_on__gt=F("due_on"))


def months_back(today: date, count: int = MONTHS) -> list[date]:
    """The first days of the last `count` months, oldest first, this month included."""
    months, month = [], today.replace(day=1)
    for _ in range(count):
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def enrolled_in(month: date):
    """Ledger enrolments paid for `month`: started by then and not stopped by then (停发月 is the
    first month not paid)."""
    return Enrolment.objects.filter(start_month__lte=month).filter(Q(end_month__isnull=True) | Q(end_month__gt=month))


def recipient_rows(today: date) -> list[Figure]:
    """Persons covered and the amount due, per village, programme, month and urban/rural household
    (the ledger's 城乡类别), for the last MONTHS months."""
    rows = []
    for month in months_back(today):
        grouped = (
            enrolled_in(month)
            .annotate(village=_village())
            .values("village", "programme", "household__kind")
            .annotate(n=Sum("covered_members"), due=Sum("monthly_amount"))
            .order_by()
        )
        rows += [
            Figure(
                indicator="recipients",
                area_code=row["village"],
                key=row["programme"],
                month=month,
                rural=row["household__kind"] == Household.Kind.RURAL,
                count=row["n"] or 0,
                amount_fen=int((row["due"] or 0) * 100),
            )
            for row in grouped
        ]
    return rows


def paid_lines():
    """Lines of approved rolls that pay (not held, not recoveries)."""
    return RollLine.objects.filter(roll__status=PaymentRoll.Status.APPROVED).exclude(
        status__in=(RollLine.Status.HELD, RollLine.Status.RECOVERY)
    )


def paid_rows(today: date) -> list[Figure]:
    """What the approved payment rolls pay, per village, programme and month (实发)."""
    grouped = (
        paid_lines()
        .filter(roll__month__gte=months_back(today)[0])
        .annotate(village=_village())
        .values("village", "roll__programme", "roll__month")
        .annotate(n=Count("id"), fen=Sum("amount_fen"))
        .order_by()
    )
    return [
        Figure(
            indicator="paid",
            area_code=row["village"],
            key=row["roll__programme"],
            month=row["roll__month"],
            count=row["n"],
            amount_fen=row["fen"] or 0,
        )
        for row in grouped
    ]


def warnings_in(key: str, today: date):
    since = today - timedelta(days=365)
    recent = Warning.objects.filter(raised_on__gte=since)
    return {
        "raised": recent,
        "visited": recent.filter(visited_on__isnull=False),
        "applied": recent.filter(stage=Warning.Stage.APPLIED),
        "closed": recent.filter(stage=Warning.Stage.CLOSED),
    }[key]


def records(indicator: str, key: str, today: date, month: date | None = None):
    """The live records behind one figure (scoped by the caller's jurisdiction)."""
    if indicator == "case_status":
        return Case.objects.filter(status=key)
    if indicator == "case_light":
        return open_cases_by_light(key, today, light_bounds(today))
    if indicator == "on_time":
        return closed_cases(key == "on_time", today)
    if indicator == "supervision":
        if key == "supervision":
            return Supervision.objects.filter(closed_on__isnull=True)
        return CaseStep.objects.filter(state=CaseStep.State.ACTIVE, due_on__lt=today)
    if indicator == "recipients":
        enrolled = enrolled_in(month or today.replace(day=1))
        return enrolled if key == "all" else enrolled.filter(programme=key)
    if indicator == "warnings":
        return warnings_in(key, today)
    if indicator == "findings":
        return Finding.objects.filter(kind=key)
    raise KeyError(indicator)


def by_unit(area_code: str, today: date, limit: int = 10) -> list[dict]:
    """The units with the most open 督办 and overdue steps in the area, live (both are few: open
    rows only, through the (state, due_on) index). Each: unit id, name, supervision, overdue."""
    units: dict[int, dict] = {}
    supervised = (
        Supervision.objects.in_area(area_code)
        .filter(closed_on__isnull=True)
        .values("target_unit_id", "target_unit__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in supervised:
        entry = units.setdefault(row["target_unit_id"], _unit(row["target_unit_id"], row["target_unit__name"]))
        entry["supervision"] = row["n"]
    overdue = (
        records("supervision", "overdue_steps", today)
        .in_area(area_code)
        .exclude(responsible_unit__isnull=True)
        .values("responsible_unit_id", "responsible_unit__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in overdue:
        entry = units.setdefault(
            row["responsible_unit_id"], _unit(row["responsible_unit_id"], row["responsible_unit__name"])
        )
        entry["overdue"] = row["n"]
    ranked = sorted(units.values(), key=lambda u: (-(u["supervision"] + u["overdue"]), u["name"]))
    return ranked[:limit]


def _unit(unit_id: int, name: str) -> dict:
    return {"id": unit_id, "name": name, "supervision": 0, "overdue": 0}


def _by_village(queryset, key_field: str | None = None):
    fields = ["village"] + (["key"] if key_field else [])
    annotations = {"village": _village()}
    if key_field:
        annotations["key"] = F(key_field)
    return queryset.annotate(**annotations).values(*fields).annotate(n=Count("id")).order_by()


def compute_rows(today: date) -> list[Figure]:
    """Every figure row for `today`, each indicator one grouped query per key (set-based)."""
    rows: list[Figure] = []
    rows += _rows("case_status", _by_village(Case.objects.all(), key_field="status"))
    warn_until = light_bounds(today)
    for light in LIGHTS:
        rows += _rows("case_light", _by_village(open_cases_by_light(light, today, warn_until)), light)
    rows += _rows("on_time", _by_village(closed_cases(True, today)), "on_time")
    rows += _rows("on_time", _by_village(closed_cases(False, today)), "late")
    rows += _rows("supervision", _by_village(records("supervision", "supervision", today)), "supervision")
    rows += _rows("supervision", _by_village(records("supervision", "overdue_steps", today)), "overdue_steps")
    rows += recipient_rows(today)
    rows += paid_rows(today)
    for key in INDICATORS["warnings"].keys:
        rows += _rows("warnings", _by_village(warnings_in(key, today)), key)
    rows += _rows("findings", _by_village(Finding.objects.all(), key_field="kind"))
    return rows


def is_rural(village_code: str) -> bool | None:
    """统计用区划代码: a village code 2xx is a 村民委员会 (rural), 1xx a 居民委员会 (urban)."""
    if len(village_code) < VILLAGE_LENGTH or village_code[9:12] == "000":
        return None
    return village_code[9] == "2"


def refresh_figures(today: date) -> Refresh:
    """Rebuild every figure (system scope: the table serves every leader; reads are scoped)."""
    started = time.monotonic()
    with system_scope():
        rows = compute_rows(today)
        with transaction.atomic():
            Figure.objects.all().delete()  # the system scope: every area
            Figure.objects.bulk_create(rows, batch_size=2000)
            return Refresh.objects.create(
                finished_at=timezone.now(), as_of=today, rows=len(rows), seconds=time.monotonic() - started
            )


def refresh_figures_periodic(on_date: date) -> dict:
    done = refresh_figures(on_date)
    return {"汇总行数": done.rows}


def last_refresh() -> Refresh | None:
    return Refresh.objects.first()


# ---- reading the figures back, one area level at a time ---------------------------------------


def child_length(area_code: str) -> int | None:
    """How many code digits name the areas one level below `area_code` (None below a village)."""
    level = codes.level_of(area_code)
    if level in (codes.VILLAGE, codes.GRID):
        return None
    if level == codes.PROVINCE:
        return codes.PREFIX_LENGTH[codes.CITY]
    if level == codes.CITY:
        return codes.PREFIX_LENGTH[codes.COUNTY]
    if level == codes.COUNTY:
        return codes.PREFIX_LENGTH[codes.TOWNSHIP]
    return VILLAGE_LENGTH


def breakdown(
    indicator: str, area_code: str, month: date | None = None, length: int | None = None
) -> dict[str, dict[str, int]]:
    """{child area prefix: {key: count}} for the areas one level below `area_code` (or, with
    `length`, the areas named by that many digits: the counties of a province); below a village,
    the village itself is the only 'child'. Read from the figures, scoped by the current user."""
    length = length or child_length(area_code) or VILLAGE_LENGTH
    figures = Figure.objects.in_area(area_code).filter(indicator=indicator)
    if month is not None:
        figures = figures.filter(month=month)
    grouped = (
        figures.annotate(child=Substr("area_code", 1, length))
        .values("child", "key")
        .annotate(n=Sum("count"))
        .order_by()
    )
    result: dict[str, dict[str, int]] = {}
    for row in grouped:
        result.setdefault(row["child"], {})[row["key"]] = row["n"] or 0
    return result


def breakdowns(indicators: list[str], area_code: str) -> dict[str, dict[str, dict[str, int]]]:
    """`breakdown` of several indicators without a month in one query: {indicator: {child: {key: n}}}."""
    length = child_length(area_code) or VILLAGE_LENGTH
    grouped = (
        Figure.objects.in_area(area_code)
        .filter(indicator__in=indicators)
        .annotate(child=Substr("area_code", 1, length))
        .values("indicator", "child", "key")
        .annotate(n=Sum("count"))
        .order_by()
    )
    result: dict[str, dict[str, dict[str, int]]] = {indicator: {} for indicator in indicators}
    for row in grouped:
        result[row["indicator"]].setdefault(row["child"], {})[row["key"]] = row["n"] or 0
    return result


def figure_total(indicator: str, key: str, area_code: str, month: date | None = None) -> int:
    """The counted figure behind a record list (as of the last refresh)."""
    figures = Figure.objects.in_area(area_code).filter(indicator=indicator)
    if key != "all":
        figures = figures.filter(key=key)
    if indicator == "recipients":
        figures = figures.filter(month=month or latest_figure_month(area_code))
    return figures.aggregate(n=Sum("count"))["n"] or 0


def monthly_spending(area_code: str) -> list[dict]:
    """Per month: persons covered and the amount due (台账), urban and rural, and what the
    approved rolls paid (实发), in the area."""
    grouped = (
        Figure.objects.in_area(area_code)
        .filter(indicator="recipients")
        .values("month", "rural")
        .annotate(n=Sum("count"), fen=Sum("amount_fen"))
        .order_by("month")
    )
    months: dict[date, dict] = {}
    for row in grouped:
        entry = months.setdefault(row["month"], _empty_month(row["month"]))
        side = "rural" if row["rural"] else "urban"
        entry[side] += row["n"] or 0
        entry[f"fen_{side}"] += row["fen"] or 0
    paid = (
        Figure.objects.in_area(area_code)
        .filter(indicator="paid")
        .values("month")
        .annotate(fen=Sum("amount_fen"))
        .order_by("month")
    )
    for row in paid:
        months.setdefault(row["month"], _empty_month(row["month"]))["fen_paid"] = row["fen"] or 0
    return [months[m] for m in sorted(months)]


def _empty_month(month: date) -> dict:
    return {"month": month, "urban": 0, "rural": 0, "fen_urban": 0, "fen_rural": 0, "fen_paid": 0}


def latest_figure_month(area_code: str) -> date | None:
    latest = Figure.objects.in_area(area_code).filter(indicator="recipients").order_by("-month").first()
    return latest.month if latest else None
