"""一月一公布、一月一讲评: compute a county's month, review it, publish it, discuss it.

Scores: each indicator gives `weight × attainment`, attainment in 0–1:
- a rate: the share on time, or for a rate of errors one minus the share wrong (nothing to be on
  time for, nothing sent: full marks);
- a count: relative to the subjects of the same type that month, best = 1, worst = 0 (all equal: 1);
- an entered indicator: the entered score ÷ 100 (not entered: 0, shown as 未录入 before publication).
The total is the sum; subjects of a type are ranked by it (equal totals share a rank).

Computing replaces the draft snapshot; publishing freezes it: a later correction of the records (a
step re-dated, a finding withdrawn) does not change a published month, because its figures are rows
of their own, not a view of the records.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Unit, User
from accounts.roles import Capability, RoleCode, roles_with
from areas.codes import prefix_of
from audit.services import update_logged
from core.errors import DomainError
from supervision.aggregates import AGGREGATED, refresh_month, step_figures
from supervision.errors import SupervisionCode
from supervision.indicators import COMPUTATIONS, computed_figures
from supervision.models import EnteredScore, Evaluation, Indicator, ScoreLine, SubjectResult, SubjectType

HUNDREDTH = Decimal("0.01")


def subjects_of(subject_type: str, area_code: str) -> list[tuple[int, str, str]]:
    """(id, name, area code) of the units or people of this type in the county (or the city or
    province of `area_code`), in a stable order (a person's area is their unit's)."""
    prefix = prefix_of(area_code)[:6]  # a county (or a city, a province: every county in it)
    if subject_type in (SubjectType.TOWNSHIP_OFFICE, SubjectType.COUNTY_SECTION):
        kind = Unit.Kind.TOWNSHIP_OFFICE if subject_type == SubjectType.TOWNSHIP_OFFICE else Unit.Kind.BUREAU
        units = Unit.objects.filter(kind=kind, is_active=True, area_code__startswith=prefix)
        return list(units.order_by("area_code", "name").values_list("pk", "name", "area_code"))
    people = User.objects.filter(is_active=True, unit__area_code__startswith=prefix)
    if subject_type == SubjectType.LIVELIHOOD_WORKER:
        people = people.filter(roles__code=RoleCode.LIVELIHOOD_WORKER)
    else:
        handlers = [r for r in roles_with(Capability.HANDLE_STEPS) if r != RoleCode.LIVELIHOOD_WORKER]
        people = people.filter(roles__code__in=handlers).exclude(roles__code=RoleCode.LIVELIHOOD_WORKER)
    rows = people.distinct().order_by("pk").values_list("pk", "full_name", "username", "unit__area_code")
    return [(pk, name or username, area) for pk, name, username, area in rows]


def _is_person(subject_type: str) -> bool:
    return subject_type in (SubjectType.LIVELIHOOD_WORKER, SubjectType.STAFF)


def attainment(indicator: Indicator, numerator, denominator, all_counts: list[int]) -> Decimal:
    """How far a subject met one indicator, 0–1 (see the module docstring)."""
    if indicator.source == Indicator.Source.ENTERED:
        return Decimal(0) if numerator is None else min(Decimal(1), Decimal(numerator) / 100)
    if COMPUTATIONS[indicator.computation].rate:
        if not denominator:  # nothing to be on time for, nothing to get wrong: full marks
            return Decimal(1)
        share = Decimal(numerator) / denominator
        return share if indicator.better == Indicator.Better.HIGHER else 1 - share
    low, high = min(all_counts), max(all_counts)
    if high == low:
        return Decimal(1)
    relative = Decimal(numerator - low) / (high - low)
    return relative if indicator.better == Indicator.Better.HIGHER else 1 - relative


def month_figures(code: str, month: date) -> dict[int, tuple[int, int | None]]:
    """A computed indicator's figures for the month: the step indicators from the day figures
    (`supervision.aggregates`, as of their last refresh), the others from the records."""
    if code in AGGREGATED:
        return step_figures(code, month)
    return computed_figures(code, month)


def _figures(
    indicator: Indicator, month: date, subject_ids: list[int], is_person: bool, found: dict | None = None
) -> dict[int, tuple]:
    if indicator.source == Indicator.Source.ENTERED:
        field = "person_id" if is_person else "unit_id"
        entered = EnteredScore.objects.filter(indicator=indicator, month=month).values_list(field, "value")
        values = {pk: value for pk, value in entered if pk}
        return {pk: (values.get(pk), None) for pk in subject_ids}
    found = month_figures(indicator.computation, month) if found is None else found
    return {pk: found.get(pk, (0, 0 if COMPUTATIONS[indicator.computation].rate else None)) for pk in subject_ids}


def competition_ranks(totals: list[Decimal]) -> list[int]:
    """Competition ranking (1, 1, 3): equal totals share the better rank."""
    first_place: dict[Decimal, int] = {}
    for place, total in enumerate(sorted(totals, reverse=True), start=1):
        first_place.setdefault(total, place)
    return [first_place[total] for total in totals]


def compute_month(evaluation: Evaluation, *, refresh: bool = True) -> Evaluation:
    """(Re)compute a draft month for every subject type that has indicators. Refused once published.

    The step indicators are read from the day figures (`supervision.aggregates`); `refresh` first
    rebuilds the month's days so the figures are current (one pass over the month's steps), without it
    they are as of the scheduler's last refresh."""
    if evaluation.state == Evaluation.State.PUBLISHED:
        raise DomainError(SupervisionCode.MONTH_PUBLISHED, f"{evaluation}已公布，考核结果不再重新计算")
    month = evaluation.month
    if refresh:
        refresh_month(month)
    indicators = list(Indicator.objects.filter(is_active=True).order_by("subject_type", "sort_order", "pk"))
    computed: dict[str, dict] = {}  # each computation once, whichever subject types weigh it
    comments = {(r.subject_type, r.unit_id, r.person_id): r.comment for r in evaluation.results.all() if r.comment}
    with transaction.atomic():
        evaluation.results.all().delete()
        for subject_type in SubjectType.values:
            mine = [i for i in indicators if i.subject_type == subject_type]
            subjects = subjects_of(subject_type, evaluation.area_code)
            if not mine or not subjects:
                continue
            person = _is_person(subject_type)
            ids = [pk for pk, _name, _area in subjects]
            lines: dict[int, list[ScoreLine]] = {pk: [] for pk in ids}
            for indicator in mine:
                found = None
                if indicator.source == Indicator.Source.COMPUTED:
                    if indicator.computation not in computed:
                        computed[indicator.computation] = month_figures(indicator.computation, month)
                    found = computed[indicator.computation]
                figures = _figures(indicator, month, ids, person, found)
                counts = [n or 0 for n, _ in figures.values()]
                for pk in ids:
                    numerator, denominator = figures[pk]
                    score = (indicator.weight * attainment(indicator, numerator, denominator, counts)).quantize(
                        HUNDREDTH, ROUND_HALF_UP
                    )
                    value = None
                    if numerator is not None:
                        value = (
                            Decimal(100 * numerator / denominator).quantize(HUNDREDTH)
                            if denominator
                            else Decimal(numerator)
                        )
                    lines[pk].append(
                        ScoreLine(
                            indicator=indicator,
                            numerator=None if numerator is None else int(numerator),
                            denominator=denominator,
                            value=value,
                            score=score,
                        )
                    )
            totals = [sum((line.score for line in lines[pk]), Decimal(0)) for pk in ids]
            ranks = competition_ranks(totals)
            results = SubjectResult.objects.bulk_create(
                SubjectResult(
                    evaluation=evaluation,
                    subject_type=subject_type,
                    unit_id=None if person else pk,
                    person_id=pk if person else None,
                    name=name,
                    total=total,
                    rank=rank,
                    comment=comments.get((subject_type, None if person else pk, pk if person else None), ""),
                    area_code=area,  # the subject's own area: a township sees its own results
                )
                for (pk, name, area), total, rank in zip(subjects, totals, ranks, strict=True)
            )
            for (pk, _name, _area), result in zip(subjects, results, strict=True):
                for line in lines[pk]:
                    line.result = result
            ScoreLine.objects.bulk_create(line for pk in ids for line in lines[pk])
        update_logged(Evaluation.objects.all(), evaluation, computed_at=timezone.now())
    return evaluation


def evaluation_for(area_code: str, month: date) -> Evaluation:
    evaluation, _ = Evaluation.objects.get_or_create(area_code=area_code, month=month.replace(day=1))
    return evaluation


def publish(evaluation: Evaluation, *, user, public: bool = False) -> Evaluation:
    """Freeze the month's snapshot and publish it (internally; on the public site where chosen)."""
    if evaluation.computed_at is None:
        raise DomainError(SupervisionCode.NOT_COMPUTED, "请先计算本月考核结果")
    if not update_logged(
        Evaluation.objects.filter(state=Evaluation.State.DRAFT),
        evaluation,
        state=Evaluation.State.PUBLISHED,
        published_at=timezone.now(),
        published_by=user,
        public=public,
    ):
        raise DomainError(SupervisionCode.MONTH_PUBLISHED, f"{evaluation}已公布")
    return evaluation


def set_comment(result: SubjectResult, text: str) -> SubjectResult:
    """The 讲评 of one subject (may be written before or after publication; the scores stay frozen)."""
    SubjectResult.objects.filter(pk=result.pk).update(comment=text.strip())
    result.comment = text.strip()
    return result


def enter_score(
    *,
    user,
    indicator: Indicator,
    month: date,
    value: Decimal,
    evidence: str,
    unit=None,
    person=None,
    evidence_file=None,
    area_code: str,
) -> EnteredScore:
    """An entered indicator's score for a subject, with its evidence; refused once the month is published."""
    if indicator.source != Indicator.Source.ENTERED:
        raise DomainError(SupervisionCode.BAD_SAMPLE, "该指标由系统自动计算，不能录入")
    if not (0 <= value <= 100):
        raise DomainError(SupervisionCode.BAD_SAMPLE, "得分应在0到100之间")
    if not evidence.strip():
        raise DomainError(SupervisionCode.EVIDENCE_MISSING, "请填写评分依据")
    month = month.replace(day=1)
    if Evaluation.objects.filter(area_code=area_code, month=month, state=Evaluation.State.PUBLISHED).exists():
        raise DomainError(SupervisionCode.MONTH_PUBLISHED, "该月考核已公布，不能再录入")
    score, _ = EnteredScore.objects.update_or_create(
        indicator=indicator,
        month=month,
        unit=unit,
        person=person,
        defaults={
            "value": value,
            "evidence": evidence.strip(),
            "entered_by": user,
            "area_code": area_code,
            **({"evidence_file": evidence_file} if evidence_file else {}),
        },
    )
    return score
