"""Demo recipients for the demo county, enrolled through the ledger's own actions so every one
has its events, review date and incompatibility checks — as if decided by cases last year."""

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q

from core.errors import DomainError
from ledger import services
from ledger.models import Enrolment
from ledger.payees import set_payee
from policy import rules
from policy.parameters import Policy
from policy.programmes import Programme
from registry.models import Household, Person

DECIDED_ON = date(2025, 6, 20)


@transaction.atomic
def enrol_demo_recipients(county: str = "430522", share: float = 0.04, seed: int = 1) -> dict[str, int]:
    """Enrol about `share` of the county's households in 低保, elderly people living alone in 特困,
    and grade 1–2 disabled residents in the care subsidy. Refuses to run twice."""
    if Enrolment.objects.filter(area_code__startswith=county, certificate_number__startswith="DEMO").exists():
        return {"already": Enrolment.objects.filter(certificate_number__startswith="DEMO").count()}
    rng = random.Random(seed)
    policy = Policy.for_area(county + "000000", DECIDED_ON)
    counts = {Programme.DIBAO: 0, Programme.TEKUN: 0, Programme.DISABILITY_CARE: 0}
    households = list(
        Household.objects.filter(area_code__startswith=county, is_active=True)
        .annotate(size=Count("memberships", filter=Q(memberships__end_date__isnull=True)))
        .filter(size__gte=1)
        .order_by("id")
    )
    for household in rng.sample(households, k=int(len(households) * share)):
        urban = household.kind == Household.Kind.URBAN
        standard = rules.dibao_standard(policy, urban)
        income = (standard * Decimal(rng.randint(0, 70)) / 100).quantize(Decimal("1"))
        benefit = rules.dibao_benefit(policy, urban=urban, monthly_per_capita=income, members=household.size)
        _enrol(counts, Programme.DIBAO, household, None, benefit.monthly_amount, household.size)

    alone = (
        Person.objects.filter(area_code__startswith=county, life_status="alive", birth_date__lte=date(1955, 1, 1))
        .annotate(
            size=Count(
                "memberships__household__memberships",
                filter=Q(memberships__household__memberships__end_date__isnull=True),
            )
        )
        .filter(size=1)
        .order_by("id")[:40]
    )
    basic, care = rules.tekun_monthly(policy, urban=False, care_level=rules.PARTLY_DISABLED)
    for person in alone:
        membership = person.current_membership()
        if membership:
            _enrol(counts, Programme.TEKUN, membership.household, person, basic + care, 1)

    severe = Person.objects.filter(
        area_code__startswith=county, life_status="alive", disability_grade__in=[1, 2]
    ).order_by("id")
    for person in severe[: max(1, severe.count() * 2 // 3)]:  # a third missed on purpose: the sweep finds them
        membership = person.current_membership()
        amounts = rules.disability_subsidies(policy, grade=person.disability_grade, in_dibao_family=False)
        if membership and Programme.DISABILITY_CARE in amounts:
            _enrol(
                counts,
                Programme.DISABILITY_CARE,
                membership.household,
                person,
                amounts[Programme.DISABILITY_CARE],
                1,
            )
    _demo_payee_by_a_son(county)
    return {str(k): v for k, v in counts.items()}


def _demo_payee_by_a_son(county: str) -> None:
    """子女代领 on the demo: the first 特困 recipient's money goes to a man of working age of the same
    village (standing in for a son living elsewhere), recorded with its reason."""
    enrolment = (
        Enrolment.objects.filter(area_code__startswith=county, programme=Programme.TEKUN)
        .select_related("household__head", "beneficiary")
        .order_by("id")
        .first()
    )
    if enrolment is None:
        return
    son = (
        Person.objects.filter(area_code=enrolment.area_code, life_status="alive", sex="M")
        .filter(birth_date__gte=date(1966, 1, 1), birth_date__lte=date(1990, 12, 31))
        .exclude(memberships__household=enrolment.household)
        .order_by("id")
        .first()
    )
    if son is not None:
        set_payee(enrolment, name=son.name, id_number=son.id_number, relation="儿子", reason="年老行动不便，由儿子代领")


def _enrol(counts, programme, household, person, amount, members) -> None:
    """The review interval follows each household's facts (ledger.services.review_basis_of)."""
    try:
        services.enrol(
            programme=programme,
            household=household,
            beneficiary=person,
            monthly_amount=amount,
            decided_on=DECIDED_ON,
            covered_members=members,
            case_reference="演示数据",
        )
    except DomainError:
        return  # e.g. 特困 for someone already in a 低保 household: refused, as the rules say
    Enrolment.objects.filter(household=household, programme=programme, beneficiary=person).update(
        certificate_number=f"DEMO-{programme}-{household.pk}-{person.pk if person else 0}"
    )
    counts[programme] += 1
