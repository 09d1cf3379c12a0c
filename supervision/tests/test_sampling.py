"""抽查: a seeded, stratified sample that any auditor can reproduce."""

from datetime import date
from decimal import Decimal

import pytest

from core.errors import DomainError
from supervision.models import Sample, SampleItem
from supervision.sampling import draw_sample, stratum_sizes_for, stratum_sizes_for_share
from supervision.tests.factories import VILLAGE_A, VILLAGE_B, enrolments

pytestmark = pytest.mark.django_db

TOWNSHIP_A, TOWNSHIP_B = "430522100000", "430522101000"
DAY = date(2025, 11, 20)


@pytest.mark.parametrize(
    ("count", "sizes", "expected"),
    [
        (20, {("a", "x"): 30, ("b", "x"): 10}, {("a", "x"): 15, ("b", "x"): 5}),
        (3, {("a", "x"): 1, ("a", "y"): 1, ("b", "x"): 1}, {("a", "x"): 1, ("a", "y"): 1, ("b", "x"): 1}),
        (2, {("a", "x"): 5, ("b", "x"): 5, ("c", "x"): 5}, {("a", "x"): 1, ("b", "x"): 1, ("c", "x"): 0}),
        (99, {("a", "x"): 4}, {("a", "x"): 4}),
    ],
)
def test_a_count_is_spread_over_the_strata_by_their_size(count, sizes, expected):
    assert stratum_sizes_for(count, sizes) == expected


def test_a_share_takes_at_least_one_of_every_stratum():
    assert stratum_sizes_for_share(Decimal("0.1"), {("a", "x"): 25, ("b", "x"): 3}) == {("a", "x"): 3, ("b", "x"): 1}


@pytest.fixture
def population(county_bureau, township_a, township_b):
    return {
        "a_dibao": enrolments(VILLAGE_A, "dibao", 24),
        "a_tekun": enrolments(VILLAGE_A, "tekun", 6),
        "b_dibao": enrolments(VILLAGE_B, "dibao", 10),
    }


def _draw(auditor, seed, **kw):
    defaults = {"count": 20}
    defaults.update(kw)
    return draw_sample(
        user=auditor,
        name="低保对象抽查",
        target=Sample.Target.ENROLMENT,
        seed=seed,
        on_date=DAY,
        area_code=auditor.area_code,
        townships=[TOWNSHIP_A, TOWNSHIP_B],
        **defaults,
    )


def test_twenty_enrolments_in_two_townships_drawn_in_proportion_and_reproducibly(auditor, population):
    sample = _draw(auditor, seed=2025)
    items = list(sample.items.all())
    assert len(items) == 20 and sample.population == 40
    by_stratum = {}
    for item in items:
        by_stratum[(item.township_code, item.stratum)] = by_stratum.get((item.township_code, item.stratum), 0) + 1
    assert by_stratum == {(TOWNSHIP_A, "dibao"): 12, (TOWNSHIP_A, "tekun"): 3, (TOWNSHIP_B, "dibao"): 5}
    assert all(item.result == SampleItem.Result.PENDING for item in items)
    assert all(item.area_code.startswith(item.township_code[:9]) for item in items)
    again = _draw(auditor, seed=2025)
    assert sorted(again.items.values_list("object_id", flat=True)) == sorted(i.object_id for i in items)
    other = _draw(auditor, seed=7)
    assert sorted(other.items.values_list("object_id", flat=True)) != sorted(i.object_id for i in items)


def test_labels_mask_the_head_of_household(auditor, population):
    sample = _draw(auditor, seed=1, count=1, programmes=["tekun"])
    (item,) = sample.items.all()
    assert item.label.startswith("特困") and "*" in item.label


def test_a_share_or_a_count_but_not_both_and_not_an_empty_population(auditor, population):
    with pytest.raises(DomainError, match="二选一"):
        _draw(auditor, seed=1, count=5, share=Decimal("0.1"))
    with pytest.raises(DomainError, match="没有可抽查的记录"):
        _draw(auditor, seed=1, programmes=["orphan"])
    sample = _draw(auditor, seed=1, count=None, share=Decimal("0.1"))
    assert sample.items.count() == 3 + 1 + 1
