"""The computed indicators of the monthly evaluation, from the platform's own records.

Each computation answers, for one month and the whole current scope, one GROUP BY query: per
subject (a unit's id or a person's id) a count (`numerator`) and, for rates, the number it is out of
(`denominator`). `records(month, subject_id)` is the same filter for one subject, for the drill-down
to the records behind a figure. Indicator rows (data) name a computation by its code.

Records that name no unit (objections, review cases, roll lines: they carry the area of the
household) are the township's work and are grouped by township (the first 9 digits of their area
code) and answered by that township's 民政办 (`township=True`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import BigIntegerField, Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from accounts.models import Unit
from areas.jurisdiction import current_scope
from assistance.casework import Objection, ReviewCase
from cases.models import CaseEvent, CaseStep, Supervision, Transfer
from core.months import month_end, month_start
from payments.models import PaymentRoll, RollLine
from supervision.models import Finding, Rectification


def month_bounds(month: date) -> tuple[date, date]:
    """First and last day of the month of `month`."""
    return month_start(month), month_end(month)


@dataclass(frozen=True)
class Computation:
    code: str
    label: str
    per: str  # "unit" or "person"
    rate: bool  # True: numerator / denominator; False: a count
    records: Callable[[date, int], QuerySet]  # the records behind one subject's figure
    group_by: str  # the field naming the subject
    on_time: Q | None = None  # rates: which records count as on time (or, `better` lower, as wrong)
    township: bool = False  # group_by is an area code: the township's 民政办 answers for it


def _steps_finished(month: date) -> QuerySet:
    first, last = month_bounds(month)
    return CaseStep.objects.filter(state=CaseStep.State.DONE, finished_on__gte=first, finished_on__lte=last)


_STEP_ON_TIME = Q(due_on__isnull=True) | Q(finished_on__lte=F("due_on"))


def _steps_due_missed(month: date) -> QuerySet:
    """Steps whose deadline fell in the month and that were not finished by it."""
    first, last = month_bounds(month)
    return CaseStep.objects.filter(due_on__gte=first, due_on__lte=last).filter(
        Q(finished_on__gt=F("due_on"))
        | Q(finished_on__isnull=True, state__in=[CaseStep.State.ACTIVE, CaseStep.State.CORRECTION])
    )


def _supervisions(month: date) -> QuerySet:
    first, last = month_bounds(month)
    return Supervision.objects.filter(issued_on__gte=first, issued_on__lte=last)


def _transfers_due(month: date) -> QuerySet:
    first, last = month_bounds(month)
    return Transfer.objects.filter(due_on__gte=first, due_on__lte=last).exclude(state=Transfer.State.CANCELLED)


def _returns(month: date) -> QuerySet:
    """Returns for correction in the month, each answerable to the unit that passed the case on to the
    step that returned it (the step before; at the first step, the accepting window)."""
    first, last = month_bounds(month)
    before = CaseStep.unscoped.filter(case_id=OuterRef("case_id"), order=OuterRef("step__order") - 1)
    scope = current_scope()  # case events are not area-owned themselves: scoped through their case
    events = CaseEvent.objects.filter(
        kind=CaseEvent.Kind.CORRECTION_REQUESTED,
        on_date__gte=first,
        on_date__lte=last,
        case__area_code__startswith=scope.prefix,
    )
    if scope.nothing:
        events = events.none()
    return events.annotate(
        answerable_unit=Coalesce(
            Subquery(before.values("responsible_unit")[:1]), "case__accepting_unit", output_field=BigIntegerField()
        )
    ).select_related("case")


def _findings(month: date) -> QuerySet:
    first, last = month_bounds(month)
    return Finding.objects.filter(found_on__gte=first, found_on__lte=last)


def _rectifications_due(month: date) -> QuerySet:
    first, last = month_bounds(month)
    return Rectification.objects.filter(due_on__gte=first, due_on__lte=last)


def _warnings_due(month: date) -> QuerySet:
    """Monitoring warnings (低收入人口预警) whose visit deadline fell in the month."""
    from monitoring.models import Warning

    first, last = month_bounds(month)
    return Warning.objects.filter(due_on__gte=first, due_on__lte=last)


def _objections_upheld(month: date) -> QuerySet:
    """公示异议 answered in the month and found right (成立): the township's 初审 missed something."""
    first, last = month_bounds(month)
    return Objection.objects.filter(
        outcome=Objection.Outcome.UPHELD, resolved_on__gte=first, resolved_on__lte=last
    ).select_related("notice__application")


def _reviews_due(month: date) -> QuerySet:
    """Review cases (复核, opened from the ledger's review schedule with its due date) due in the month;
    on time when the outcome was recorded by the due date."""
    first, last = month_bounds(month)
    reviews = ReviewCase.objects.filter(due_on__gte=first, due_on__lte=last)
    # an open review whose last day has not come yet is neither on time nor late (a draft of the
    # current month); once its day has passed without an outcome it is late
    reviews = reviews.exclude(outcome_on__isnull=True, due_on__gte=timezone.localdate())
    return reviews.select_related("case", "enrolment")


_REVIEW_ON_TIME = Q(outcome_on__isnull=False, outcome_on__lte=F("due_on"))


def _roll_lines_sent(month: date) -> QuerySet:
    """The lines of the month's rolls that went to the bank; an error is a line the bank returned
    failed (its failure reason stays on the line after it is corrected and reissued)."""
    first, last = month_bounds(month)
    # the month's rolls first (a few rows), then their lines through the (roll, seq) index: a join on
    # the month would scan every line of every month. Any roll of the month (a county roll holds
    # every township's lines); the lines themselves are scoped by their own area.
    rolls = list(PaymentRoll.unscoped.filter(month__gte=first, month__lte=last).order_by().values_list("pk", flat=True))
    return RollLine.objects.filter(in_bank_file=True, roll_id__in=rolls).select_related("roll")


_ROLL_LINE_FAILED = ~Q(failure_reason="")


def _township_code(unit_id: int) -> str:
    area = Unit.objects.filter(pk=unit_id, kind=Unit.Kind.TOWNSHIP_OFFICE).values_list("area_code", flat=True).first()
    return (area or "")[:9]


def _by(source: Callable[[date], QuerySet], field: str, township: bool) -> Callable[[date, int], QuerySet]:
    if township:

        def records(month: date, subject_id: int) -> QuerySet:
            code = _township_code(subject_id)
            return source(month).filter(area_code__startswith=code) if code else source(month).none()

        return records
    return lambda month, subject_id: source(month).filter(**{field: subject_id})


_SOURCES: dict[str, Callable[[date], QuerySet]] = {}


def _register(code, label, per, rate, source, group_by, on_time=None, township=False) -> Computation:
    _SOURCES[code] = source
    return Computation(code, label, per, rate, _by(source, group_by, township), group_by, on_time, township)


COMPUTATIONS: dict[str, Computation] = {
    c.code: c
    for c in [
        _register(
            "step_on_time_rate", "环节按时办结率", "unit", True, _steps_finished, "responsible_unit", _STEP_ON_TIME
        ),
        _register("overdue_steps", "超期环节数", "unit", False, _steps_due_missed, "responsible_unit"),
        _register("supervisions_received", "被督办次数", "unit", False, _supervisions, "target_unit"),
        _register(
            "transfers_on_time_rate",
            "转办限时答复率",
            "unit",
            True,
            _transfers_due,
            "to_unit",
            Q(replied_on__isnull=False, replied_on__lte=F("due_on")),
        ),
        _register("returns_for_correction", "被退回补正次数", "unit", False, _returns, "answerable_unit"),
        _register("audit_findings", "稽查发现问题数", "unit", False, _findings, "responsible_unit"),
        _register(
            "rectification_on_time_rate",
            "整改按期完成率",
            "unit",
            True,
            _rectifications_due,
            "responsible_unit",
            Q(submitted_on__isnull=False, submitted_on__lte=F("due_on")),
        ),
        _register(
            "warnings_visited_on_time_rate",
            "预警按期走访率",
            "person",
            True,
            _warnings_due,
            "assigned_to",
            Q(visited_on__isnull=False, visited_on__lte=F("due_on")),
        ),
        _register(
            "person_step_on_time_rate", "本人环节按时办结率", "person", True, _steps_finished, "acted_by", _STEP_ON_TIME
        ),
        _register(
            "person_late_steps",
            "本人超期办结环节数",
            "person",
            False,
            lambda month: _steps_finished(month).filter(finished_on__gt=F("due_on")),
            "acted_by",
        ),
        _register("objections_upheld", "公示异议成立数", "unit", False, _objections_upheld, "area_code", township=True),
        _register(
            "reviews_on_time_rate",
            "按期复核率",
            "unit",
            True,
            _reviews_due,
            "area_code",
            _REVIEW_ON_TIME,
            township=True,
        ),
        _register(
            "roll_error_rate",
            "名册发放差错率",
            "unit",
            True,
            _roll_lines_sent,
            "area_code",
            _ROLL_LINE_FAILED,
            township=True,
        ),
    ]
}


def computed_figures(code: str, month: date) -> dict[int, tuple[int, int | None]]:
    """{subject id: (numerator, denominator)} for the whole current scope, in one query."""
    computation = COMPUTATIONS[code]
    source = _SOURCES[code](month).select_related(None).order_by()
    key = computation.group_by
    if computation.township:
        source, key = source.annotate(subject=Substr(computation.group_by, 1, 9)), "subject"
    queryset = source.values(key)
    if computation.rate:
        rows = queryset.annotate(total=Count("pk"), good=Count("pk", filter=computation.on_time))
        found = {row[key]: (row["good"], row["total"]) for row in rows if row[key]}
    else:
        found = {row[key]: (row["total"], None) for row in queryset.annotate(total=Count("pk")) if row[key]}
    if not computation.township:
        return found
    return _per_township_office(found)


def _per_township_office(per_township: dict[str, tuple]) -> dict[int, tuple]:
    """{township code: figure} → {township office id: figure} (a township without an office is left out)."""
    if not per_township:
        return {}
    offices = Unit.objects.filter(
        kind=Unit.Kind.TOWNSHIP_OFFICE, is_active=True, area_code__in=[code + "000" for code in per_township]
    ).values_list("area_code", "pk")
    return {pk: per_township[area[:9]] for area, pk in offices}


def choices() -> list[tuple[str, str]]:
    return [(code, c.label) for code, c in COMPUTATIONS.items()]
