"""政策找人 for children without parental care: the orphan and 事实无人抚养儿童 finders read the parents'
deaths from the registry (the death service) and the guardian facts of the child's file, list the
child with the reason, and agree with the pure rule children.rules.parental_care_category."""

from datetime import date

import pytest

from assistance.tests.factories import add_member
from children import rules
from children.models import ChildRecord, Guardian
from conftest import VILLAGE_A
from ledger.services import enrol
from outreach.models import Finding
from outreach.services import find_eligible
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

TODAY = date(2026, 11, 20)
DEATH = date(2025, 3, 1)

# (father, mother) → programme found; each parent is "registry:<status>" (the head or the head's
# wife in the child's household) or "file:<situation>" (a guardian row of the child's file)
CASES = [
    (("registry:dead", "registry:dead"), "orphan"),
    (("registry:dead", "registry:alive"), None),
    (("file:dead", "file:dead"), "orphan"),
    (("registry:dead", "file:dead"), "orphan"),
    (("registry:dead", "file:prison"), "unsupported_child"),
    (("file:missing", "file:prison"), "unsupported_child"),
    (("file:detox", "file:severe_disability"), "unsupported_child"),
    (("file:revoked", "file:serious_illness"), "unsupported_child"),
    (("file:prison", "file:normal"), None),
    (("file:migrant", "file:migrant"), None),
    (("registry:alive", "registry:alive"), None),
]


def _family(father: str, mother: str, n: int):
    household = HouseholdFactory(
        area_code=VILLAGE_A, head__name=f"父亲{n}", head__sex="M", head__birth_date=date(1985, 1, 1)
    )
    dad = household.head
    mum = add_member(household, f"母亲{n}", "10", date(1987, 1, 1), sex="F")
    child = add_member(household, f"孩子{n}", "20", date(2015, 6, 1), sex="M")
    record = None
    for person, relation, fact in ((dad, "father", father), (mum, "mother", mother)):
        source, value = fact.split(":")
        if source == "registry" and value == "dead":
            person.life_status, person.death_date = "deceased", DEATH
            person.save()
        if source == "file":
            if record is None:
                record = ChildRecord.objects.create(
                    person=child,
                    category="guardianship",
                    risk="high",
                    recorded_on=date(2026, 1, 5),
                    area_code=VILLAGE_A,
                )
            Guardian.objects.create(
                child=record, name=person.name, relation=relation, situation=value, area_code=VILLAGE_A
            )
    return child


@pytest.mark.parametrize(("parents", "expected"), CASES, ids=[f"{f}+{m}" for (f, m), _ in CASES])
def test_a_child_is_found_for_the_allowance_its_parents_facts_give(worker_a, parents, expected):
    child = _family(*parents, n=1)
    find_eligible(TODAY)
    found = {f.programme: f for f in Finding.objects.filter(person=child)}
    assert set(found) == ({expected} if expected else set())
    if expected:
        reason = found[expected].reason
        assert reason.startswith("父亲") and "母亲" in reason and "每月1400元" in reason
        if parents[0] == "registry:dead":
            assert "父亲死亡（居民库死亡登记）" in reason
        if parents[1] == "file:prison":
            assert "母亲服刑在押（儿童档案）" in reason
    # the pure rule says the same, read from the situations alone
    situations = [p.split(":")[1].replace("alive", "normal") for p in parents]
    category = rules.parental_care_category(*situations)
    assert {"orphan": "orphan", "unsupported": "unsupported_child", None: None}[category] == expected


def test_an_adult_or_a_child_already_paid_is_not_listed_and_a_newer_guardian_row_counts(worker_a):
    grown = _family("registry:dead", "registry:dead", n=2)
    grown.birth_date = date(2008, 11, 1)  # 18 on 1 Nov 2026
    grown.save()
    paid = _family("registry:dead", "registry:dead", n=3)
    enrol(
        programme="unsupported_child",
        household=paid.memberships.get().household,
        beneficiary=paid,
        monthly_amount=1400,
        decided_on=date(2024, 1, 1),
    )
    changed = _family("file:prison", "file:prison", n=4)
    record = ChildRecord.objects.get(person=changed)
    Guardian.objects.create(child=record, name="父亲4", relation="father", situation="normal", area_code=VILLAGE_A)
    find_eligible(TODAY)
    assert not Finding.objects.filter(person__in=[grown, paid, changed]).exists()


def test_the_childrens_finders_read_the_county_s_adult_age(worker_a):
    """孤儿 ends at child.adult_age (18 nationally), read per county: with the county's 11 recorded
    (a test value), an 11-year-old whose parents are both dead is no longer listed; a 10-year-old is."""
    from policy.models import PolicyParameter
    from policy.programmes import ParameterKey

    eleven = _family("registry:dead", "registry:dead", n=1)  # born 2015-06-01: 11 on TODAY
    ten = _family("registry:dead", "registry:dead", n=2)
    ten.birth_date = date(2016, 6, 1)
    ten.save()
    PolicyParameter.objects.create(
        area_code="430522000000", key=ParameterKey.CHILD_ADULT_AGE, value=11, effective_from=date(2026, 1, 1)
    )
    find_eligible(TODAY)
    assert set(Finding.objects.filter(programme="orphan").values_list("person_id", flat=True)) == {ten.pk}
    assert eleven.pk not in set(Finding.objects.values_list("person_id", flat=True))
