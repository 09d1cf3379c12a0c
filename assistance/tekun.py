"""特困: the self-care assessment over six daily activities and the county's random spot check of
at least the configured share (≥ 30%) of the cases awaiting its confirmation."""

import random
import secrets
from datetime import date

from django.db import transaction

from areas.codes import is_county_or_above
from assistance.casework import Application, SpotCheck, SpotCheckItem
from assistance.errors import AssistanceCode
from cases import hooks
from cases.models import CaseStep
from core.errors import DomainError
from policy import rules
from policy.parameters import Policy
from policy.programmes import Programme


def assess_self_care(*, user, application: Application, on_date: date, able: dict[str, bool]) -> str:
    """生活自理能力评估: all six possible → 自理; 1–3 impossible → 部分丧失; ≥ 4 → 完全丧失."""
    if application.programme != Programme.TEKUN:
        raise DomainError(AssistanceCode.WRONG_STEP, "只有特困供养申请需要生活自理能力评估")
    level = rules.self_care_level(able)
    facts = {**application.facts, "self_care": level, "activities": able, "assessed_on": str(on_date)}
    Application.objects.filter(pk=application.pk).update(facts=facts)
    application.facts = facts
    unable = [a for a, ok in able.items() if not ok]
    hooks.note(
        application.case,
        user,
        on_date,
        f"生活自理能力评估：{rules.SELF_CARE_LABELS[level]}（不能完成{len(unable)}项）",
        data={"self_care": level},
    )
    return level


def awaiting_confirmation():
    """特困 applications at the county's confirmation step, not yet drawn in a spot check."""
    return (
        Application.objects.filter(programme=Programme.TEKUN, decision=Application.Decision.PENDING)
        .filter(case__current_step__definition__code="confirm", case__current_step__state=CaseStep.State.ACTIVE)
        .exclude(spot_checks__isnull=False)
        .order_by("pk")
    )


@transaction.atomic
def draw_spot_check(*, user, on_date: date, seed: str | None = None) -> SpotCheck:
    """Draw at random ≥ the configured share of the cases awaiting confirmation; the seed is kept so
    the draw can be shown to be random and repeated."""
    if not (user.unit_id and is_county_or_above(user.unit.area_code)):
        raise DomainError(AssistanceCode.NO_PERMISSION, "特困抽查由县级民政部门进行")
    population = list(awaiting_confirmation().values_list("pk", flat=True))
    if not population:
        raise DomainError(AssistanceCode.NOT_ELIGIBLE, "没有待县级确认的特困案件")
    county = user.unit.area_code
    policy = Policy.for_area(county, on_date)
    count = rules.spot_check_count(policy, len(population))
    seed = seed or secrets.token_hex(8)
    chosen = random.Random(seed).sample(population, count)
    check = SpotCheck.objects.create(
        drawn_on=on_date,
        share=policy.number("tekun.spot_check_share"),
        population=len(population),
        seed=seed,
        drawn_by=user,
        area_code=county,
    )
    for application in Application.objects.filter(pk__in=chosen).select_related("case"):
        SpotCheckItem.objects.create(spot_check=check, application=application, area_code=application.area_code)
        hooks.note(application.case, user, on_date, f"被抽中县级抽查（{on_date}，抽取{count}/{len(population)}件）")
    return check


def record_spot_check_result(*, user, item: SpotCheckItem, on_date: date, result: str, note: str) -> SpotCheckItem:
    if result not in (SpotCheckItem.Result.CONFIRMED, SpotCheckItem.Result.PROBLEM):
        raise DomainError(AssistanceCode.AMOUNT, "请选择核查结果")
    if not note.strip():
        raise DomainError(AssistanceCode.AMOUNT, "请填写核查情况")
    SpotCheckItem.objects.filter(pk=item.pk).update(result=result, note=note.strip(), checked_on=on_date)
    item.refresh_from_db()
    hooks.note(item.application.case, user, on_date, f"县级抽查结果：{item.get_result_display()}，{note.strip()}")
    return item
