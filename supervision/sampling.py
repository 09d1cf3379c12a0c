"""抽查: a reproducible random sample, stratified by township and programme.

The population is read set-based (one query of ids, areas and strata); each stratum (township ×
programme, or × service item for cases) is sampled on its own with a generator seeded by the sample's
seed and the stratum's name, from its ids in ascending order: the same seed, target, strata and size
draw the same records on any machine and any database, whatever order rows come back in.

A share takes ⌈n × share⌉ of each non-empty stratum (every stratum is looked at, as the 抽查 rules
ask for "不少于"); a count is spread over the strata in proportion to their size by largest remainder.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet

from areas.codes import township_of
from core.errors import DomainError
from core.masking import mask_name
from supervision.errors import SupervisionCode
from supervision.models import Campaign, Sample, SampleItem

Target = Sample.Target


@dataclass(frozen=True)
class TargetKind:
    """How one kind of record is sampled: its scoped queryset, its stratum field, its label."""

    target: str
    queryset: Callable[[], QuerySet]
    stratum_field: str
    labels: Callable[[list[int]], dict[int, str]]


def _enrolments() -> QuerySet:
    from ledger.models import Enrolment

    return Enrolment.objects.exclude(status=Enrolment.Status.STOPPED)


def _enrolment_labels(ids: list[int]) -> dict[int, str]:
    from ledger.models import Enrolment
    from policy.programmes import Programme

    rows = Enrolment.objects.filter(pk__in=ids).values_list(
        "pk", "programme", "household__number", "household__head__name"
    )
    names = dict(Programme.choices)
    return {pk: f"{names.get(p, p)} · {number} {mask_name(head)}" for pk, p, number, head in rows}


def _cases() -> QuerySet:
    from cases.models import Case

    return Case.objects.all()


def _case_labels(ids: list[int]) -> dict[int, str]:
    from cases.models import Case

    rows = Case.objects.filter(pk__in=ids).values_list("pk", "receipt_no", "item__name")
    return {pk: f"{receipt} {item}" for pk, receipt, item in rows}


def _roll_lines() -> QuerySet:
    from payments.models import RollLine

    return RollLine.objects.all()


def _roll_line_labels(ids: list[int]) -> dict[int, str]:
    from payments.models import RollLine

    rows = RollLine.objects.filter(pk__in=ids).values_list("pk", "roll__number", "seq", "payee_name", "amount_fen")
    return {pk: f"{number}-{seq} {mask_name(name)} {fen / 100:.2f}元" for pk, number, seq, name, fen in rows}


def _fund_entries() -> QuerySet:
    from payments.models import FundEntry

    return FundEntry.objects.all()


def _fund_entry_labels(ids: list[int]) -> dict[int, str]:
    from payments.models import FundEntry

    kinds = dict(FundEntry.Kind.choices)
    rows = FundEntry.objects.filter(pk__in=ids).values_list("pk", "kind", "amount_fen", "document_reference")
    return {pk: f"{kinds.get(kind, kind)} {fen / 100:.2f}元 {ref}" for pk, kind, fen, ref in rows}


TARGETS: dict[str, TargetKind] = {
    Target.ENROLMENT: TargetKind(Target.ENROLMENT, _enrolments, "programme", _enrolment_labels),
    Target.CASE: TargetKind(Target.CASE, _cases, "item__code", _case_labels),
    Target.ROLL_LINE: TargetKind(Target.ROLL_LINE, _roll_lines, "roll__programme", _roll_line_labels),
    Target.FUND_ENTRY: TargetKind(Target.FUND_ENTRY, _fund_entries, "account__programme", _fund_entry_labels),
}


def stratum_sizes_for(count: int, sizes: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """Spread `count` over the strata in proportion to their sizes (largest remainder, ties by name)."""
    total = sum(sizes.values())
    count = min(count, total)
    if not total or not count:
        return dict.fromkeys(sizes, 0)
    exact = {key: Decimal(count) * n / total for key, n in sizes.items()}
    taken = {key: int(value) for key, value in exact.items()}
    left = count - sum(taken.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - taken[k]), k))[:left]:
        taken[key] += 1
    return taken


def stratum_sizes_for_share(share: Decimal, sizes: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """⌈n × share⌉ of each stratum."""
    return {key: min(n, math.ceil(n * share)) for key, n in sizes.items()}


def draw(population: dict[tuple[str, str], list[int]], sizes: dict[tuple[str, str], int], seed: int) -> list[int]:
    """The sampled ids: per stratum, a generator seeded by (seed, stratum) picks from the sorted ids."""
    chosen = []
    for key in sorted(population):
        ids = sorted(population[key])
        rng = random.Random(f"{seed}|{key[0]}|{key[1]}")
        chosen.extend(sorted(rng.sample(ids, sizes.get(key, 0))))
    return chosen


def population_of(target: str, townships: list[str], programmes: list[str]) -> dict[tuple[str, str], list[int]]:
    """Ids of the records in scope, by (township code, stratum), in one query."""
    kind = TARGETS[target]
    queryset = kind.queryset()
    if townships:
        area = Q()
        for code in townships:
            area |= Q(area_code__startswith=code[:9])
        queryset = queryset.filter(area)
    if programmes:
        queryset = queryset.filter(**{f"{kind.stratum_field}__in": programmes})
    strata: dict[tuple[str, str], list[int]] = {}
    for pk, area_code, stratum in queryset.values_list("pk", "area_code", kind.stratum_field).iterator(
        chunk_size=20000
    ):
        strata.setdefault((township_of(area_code), stratum or ""), []).append(pk)
    return strata


def draw_sample(
    *,
    user,
    name: str,
    target: str,
    seed: int,
    on_date: date,
    area_code: str,
    townships: list[str] = (),
    programmes: list[str] = (),
    share: Decimal | None = None,
    count: int | None = None,
    campaign: Campaign | None = None,
) -> Sample:
    """Draw a sample and give each drawn record an empty check form."""
    if target not in TARGETS:
        raise DomainError(SupervisionCode.BAD_SAMPLE, "请选择抽查对象")
    if (share is None) == (count is None):
        raise DomainError(SupervisionCode.BAD_SAMPLE, "请填写抽查比例或抽查数量（二选一）")
    if share is not None and not (0 < share <= 1):
        raise DomainError(SupervisionCode.BAD_SAMPLE, "抽查比例应在0到100%之间")
    if count is not None and count < 1:
        raise DomainError(SupervisionCode.BAD_SAMPLE, "抽查数量至少为1")
    townships, programmes = sorted(set(townships)), sorted(set(programmes))
    population = population_of(target, townships, programmes)
    sizes = {key: len(ids) for key, ids in population.items()}
    if not sizes:
        raise DomainError(SupervisionCode.EMPTY_POPULATION, "所选乡镇和项目内没有可抽查的记录")
    wanted = stratum_sizes_for_share(share, sizes) if share is not None else stratum_sizes_for(count, sizes)
    ids = draw(population, wanted, seed)
    drawn = set(ids)
    stratum_of = {pk: key for key, members in population.items() for pk in members if pk in drawn}
    labels = TARGETS[target].labels(ids)
    areas = dict(TARGETS[target].queryset().filter(pk__in=ids).values_list("pk", "area_code"))
    with transaction.atomic():
        sample = Sample.objects.create(
            name=name,
            campaign=campaign,
            target=target,
            seed=seed,
            share=share,
            count=count,
            townships=townships,
            programmes=programmes,
            population=sum(sizes.values()),
            drawn_by=user,
            drawn_on=on_date,
            area_code=area_code,
        )
        SampleItem.objects.bulk_create(
            SampleItem(
                sample=sample,
                object_id=pk,
                label=labels.get(pk, str(pk))[:200],
                township_code=stratum_of[pk][0],
                stratum=stratum_of[pk][1],
                area_code=areas[pk],
            )
            for pk in ids
        )
    return sample


def stratum_label(target: str, code: str) -> str:
    """The Chinese name of a stratum (a programme or a service item)."""
    if target == Target.CASE:
        from cases.models import ServiceItem

        return str(ServiceItem.objects.filter(code=code).values_list("name", flat=True).first() or code)
    from policy.programmes import Programme

    return str(dict(Programme.choices).get(code, code))
