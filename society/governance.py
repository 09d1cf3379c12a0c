"""The village (community) self-governance check (村(居)民自治达标监测): a yearly form per village, its
criteria and weights as data (`GovernanceCriterion`), scored through supervision's evaluation engine:
each criterion gives `weight × attainment` (`supervision.evaluation.attainment`, an entered score
0–100 ÷ 100), the on-time disclosure rate of the year is computed from the publications, and the
villages of a township are ranked the way the monthly evaluation ranks (`supervision.evaluation.competition_ranks`,
equal totals share a rank)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from areas.codes import prefix_of, township_of
from core.errors import DomainError
from society import affairs
from society.errors import SocietyCode
from society.models import GovernanceCheck, GovernanceCriterion, GovernanceScore
from supervision.evaluation import attainment, competition_ranks
from supervision.models import Indicator

HUNDREDTH = Decimal("0.01")


def _as_indicator(criterion: GovernanceCriterion) -> Indicator:
    """The criterion in the engine's terms (an entered indicator, higher is better); not saved."""
    return Indicator(
        name=criterion.name,
        source=Indicator.Source.ENTERED,
        better=Indicator.Better.HIGHER,
        weight=criterion.weight,
    )


def check_for(village_code: str, year: int) -> GovernanceCheck:
    check, _ = GovernanceCheck.objects.get_or_create(area_code=village_code, year=year)
    return check


@transaction.atomic
def enter_scores(check: GovernanceCheck, *, user, values: dict[int, tuple[Decimal | None, str]]) -> GovernanceCheck:
    """The township's scores for the entered criteria ({criterion id: (0–100, evidence)}), then the
    village's total through the engine and the township's ranking."""
    criteria = {c.pk: c for c in GovernanceCriterion.objects.filter(is_active=True)}
    for pk, (value, evidence) in values.items():
        criterion = criteria.get(pk)
        if criterion is None or criterion.source != GovernanceCriterion.Source.ENTERED:
            continue
        if value is not None and not (0 <= value <= 100):
            raise DomainError(SocietyCode.BAD_INPUT, f"“{criterion.name}”得分应在0到100之间")
        if value is not None and not evidence.strip():
            raise DomainError(SocietyCode.BAD_INPUT, f"请填写“{criterion.name}”的评分依据")
        GovernanceScore.objects.update_or_create(
            check_row=check, criterion=criterion, defaults={"value": value, "evidence": evidence.strip()}
        )
    check.checked_by = user
    check.save()
    score_township(township_of(check.area_code), check.year)
    check.refresh_from_db()
    return check


def _score_one(check: GovernanceCheck, criteria: list[GovernanceCriterion], on_date: date) -> Decimal:
    entered = {s.criterion_id: s for s in check.scores.all()}
    total = Decimal(0)
    for criterion in criteria:
        row = entered.get(criterion.pk) or GovernanceScore(check_row=check, criterion=criterion)
        if criterion.source == GovernanceCriterion.Source.DISCLOSURE:
            on_time, due = affairs.on_time_rate(check.area_code, check.year, on_date)
            row.value = Decimal(100) if not due else (Decimal(100 * on_time) / due).quantize(Decimal("0.1"))
            row.evidence = f"应公开{due}期，按期公开{on_time}期"
        numerator = None if row.value is None else row.value
        row.score = (criterion.weight * attainment(_as_indicator(criterion), numerator, None, [])).quantize(
            HUNDREDTH, ROUND_HALF_UP
        )
        row.save()
        total += row.score
    return total


@transaction.atomic
def score_township(township_code: str, year: int, on_date: date | None = None) -> list[GovernanceCheck]:
    """Every village check of the township and year: totals and ranks (only villages with a check)."""
    on_date = on_date or timezone.localdate()
    criteria = list(GovernanceCriterion.objects.filter(is_active=True))
    checks = list(
        GovernanceCheck.objects.filter(area_code__startswith=prefix_of(township_code), year=year).order_by("area_code")
    )
    totals = [_score_one(check, criteria, on_date) for check in checks]
    now = timezone.now()
    for check, total, rank in zip(checks, totals, competition_ranks(totals), strict=True):
        check.total, check.rank, check.scored_at = total, rank, now
        check.save()
    return checks


def score_rows(check: GovernanceCheck) -> list[tuple[GovernanceCriterion, GovernanceScore | None]]:
    scores = {s.criterion_id: s for s in check.scores.all()}
    return [(c, scores.get(c.pk)) for c in GovernanceCriterion.objects.filter(is_active=True)]
