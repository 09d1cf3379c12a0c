"""养老服务: beds per 1,000 elderly, admission with 特困 集中供养, home-care orders by policy hours,
check-in with the elderly person's confirmation, the flags, and the settlement to the provider."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import VILLAGE_A
from core.errors import DomainError
from eldercare import services
from eldercare.models import ServiceRecord, Settlement
from eldercare.tests.factories import institution, provider
from ledger.models import Enrolment
from ledger.services import enrol
from registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

TODAY = date(2026, 11, 20)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, 11, day, hour, minute))  # noqa: DTZ001 - local time, made aware


def elder(name="周桂英", born=date(1940, 3, 3)):
    return HouseholdFactory(area_code=VILLAGE_A, head__name=name, head__birth_date=born).head


def test_beds_per_thousand_elderly_by_township_from_the_registry(worker_a):
    institution(beds={"self_care": 3, "partly_disabled": 2, "fully_disabled": 0})
    for born in (date(1950, 1, 1), date(1940, 1, 1), date(1966, 11, 20), date(1966, 11, 21), date(1990, 1, 1)):
        PersonFactory(area_code=VILLAGE_A, birth_date=born)
    rows, total = services.beds_per_thousand("430522", TODAY)
    assert total.beds == 5 and total.elderly == 3  # 60 on 20 Nov counts, 60 on the 21st not yet
    assert total.per_thousand == Decimal("1666.7")
    assert [r.code for r in rows] == ["430522100"]


def test_admission_needs_a_free_bed_and_a_tekun_resident_moves_to_centralised_support(worker_a, clerk_a):
    home = institution(beds={"self_care": 1, "partly_disabled": 0, "fully_disabled": 0})
    person = elder()
    tekun = enrol(
        programme="tekun",
        household=person.headed_households.first(),
        beneficiary=person,
        monthly_amount=Decimal("691"),
        decided_on=date(2025, 1, 5),
    )
    residence = services.admit(institution=home, person=person, care_level="self_care", on_date=TODAY, user=clerk_a)
    tekun.refresh_from_db()
    assert residence.tekun_enrolment_id == tekun.pk and tekun.care_arrangement == Enrolment.CareArrangement.CENTRALISED
    assert tekun.events.filter(details__care_arrangement__1="centralised").exists()
    with pytest.raises(DomainError) as no_bed:
        services.admit(institution=home, person=elder("吴二"), care_level="self_care", on_date=TODAY, user=clerk_a)
    assert no_bed.value.code == "no_bed"
    services.discharge(residence, on_date=TODAY, reason="回家居住", user=clerk_a)
    tekun.refresh_from_db()
    assert tekun.care_arrangement == Enrolment.CareArrangement.DISPERSED
    assert services.free_beds(home)["self_care"] == 1


def _order(clerk, person=None):
    found, meals, cleaning, carer = provider()
    person = person or elder()
    enrol(
        programme="tekun",
        household=person.headed_households.first(),
        beneficiary=person,
        monthly_amount=Decimal("691"),
        decided_on=date(2025, 1, 5),
    )
    order = services.create_order(person=person, provider=found, items=[meals], on_date=date(2026, 11, 1), user=clerk)
    return order, meals, cleaning, carer


def test_an_order_gets_the_policy_hours_of_the_persons_class(clerk_a):
    order, *_ = _order(clerk_a)
    assert order.hours_per_month == 30 and "特困" in order.basis
    with pytest.raises(DomainError) as refused:
        found, meals, *_rest = provider()
        services.create_order(person=elder("无保障"), provider=found, items=[meals], on_date=TODAY, user=clerk_a)
    assert refused.value.code == "not_eligible"


def test_records_outside_the_order_or_at_the_same_time_are_flagged_and_not_settled(clerk_a, approver):
    order, meals, cleaning, carer = _order(clerk_a)
    code = order.person.id_number[-4:]
    good, why = services.record_service(
        carer=carer, order=order, item=meals, started_at=at(3, 9), ended_at=at(3, 11), confirm_code=code
    )
    assert not why and good.confirmed and good.flag == "" and good.minutes == 120
    _r, why = services.record_service(
        carer=carer, order=order, item=cleaning, started_at=at(4, 9), ended_at=at(4, 10), confirm_code=code
    )
    assert "不在工单的服务项目内" in why
    first, _ = services.record_service(
        carer=carer, order=order, item=meals, started_at=at(5, 9), ended_at=at(5, 10), confirm_code=code
    )
    second, why = services.record_service(
        carer=carer, order=order, item=meals, started_at=at(5, 9, 30), ended_at=at(5, 10, 30), confirm_code=code
    )
    assert second.flag == "overlap" and ServiceRecord.objects.get(pk=first.pk).flag == "overlap"
    unconfirmed, why = services.record_service(
        carer=carer, order=order, item=meals, started_at=at(6, 9), ended_at=at(6, 10), confirm_code="0000"
    )
    assert unconfirmed.flag == "unconfirmed"
    settlement = services.generate_settlement(provider=order.provider, month=date(2026, 11, 1), user=clerk_a)
    assert settlement.record_count == 1 and settlement.amount_fen == 6000 and settlement.flagged_count == 4
    with pytest.raises(DomainError) as own:
        services.approve_settlement(settlement, user=clerk_a)
    assert own.value.code == "forbidden"
    settlement, _said = services.approve_settlement(settlement, user=approver)
    assert settlement.status == Settlement.Status.APPROVED
    with pytest.raises(DomainError) as frozen:
        services.generate_settlement(provider=order.provider, month=date(2026, 11, 1), user=clerk_a)
    assert frozen.value.code == "frozen"


def test_hours_beyond_the_order_are_flagged(clerk_a):
    order, meals, _cleaning, carer = _order(clerk_a)
    code = order.person.id_number[-4:]
    for day in range(2, 5):  # 3 × 10 h = the 30 hours of the order
        _r, why = services.record_service(
            carer=carer, order=order, item=meals, started_at=at(day, 8), ended_at=at(day, 18), confirm_code=code
        )
        assert not why
    extra, why = services.record_service(
        carer=carer, order=order, item=meals, started_at=at(5, 8), ended_at=at(5, 9), confirm_code=code
    )
    assert extra.flag == "outside_order" and "30小时" in why


def test_the_allowance_moves_to_the_next_band_the_month_after_the_90th_birthday(worker_a):
    from areas.jurisdiction import system_scope
    from eldercare.periodic import adjust_allowance_bands
    from payments.models import RollLine
    from payments.rolls import generate_roll

    household = HouseholdFactory(area_code=VILLAGE_A, head__name="郑九十", head__birth_date=date(1936, 11, 28))
    enrolment = enrol(
        programme="elderly_allowance",
        household=household,
        beneficiary=household.head,
        monthly_amount=Decimal("50"),
        decided_on=date(2025, 1, 5),
    )
    younger = HouseholdFactory(area_code=VILLAGE_A, head__name="王八九", head__birth_date=date(1936, 12, 2))
    enrol(
        programme="elderly_allowance",
        household=younger,
        beneficiary=younger.head,
        monthly_amount=Decimal("50"),
        decided_on=date(2025, 1, 5),
    )
    hundred = HouseholdFactory(area_code=VILLAGE_A, head__name="钱百岁", head__birth_date=date(1926, 11, 1))
    centenarian = enrol(
        programme="elderly_allowance",
        household=hundred,
        beneficiary=hundred.head,
        monthly_amount=Decimal("100"),
        decided_on=date(2025, 1, 5),
    )
    assert adjust_allowance_bands(date(2026, 10, 25))["adjusted"] == 0  # the month before the birthdays
    with system_scope():
        november = generate_roll(programme="elderly_allowance", month=date(2026, 11, 1), area_code=VILLAGE_A, user=None)
        paid_november = {
            line.enrolment_id: line.amount_fen for line in RollLine.objects.filter(roll=november, kind="regular")
        }
    assert paid_november[enrolment.pk] == 5000 and paid_november[centenarian.pk] == 10000

    assert adjust_allowance_bands(date(2026, 11, 25))["adjusted"] == 2  # one statement per band, both bands
    enrolment.refresh_from_db()
    centenarian.refresh_from_db()
    assert enrolment.monthly_amount == Decimal("100") and centenarian.monthly_amount == Decimal("500")
    event = enrolment.events.get(kind="adjusted")
    assert event.effective_month == date(2026, 12, 1) and "90" in event.reason
    assert (event.amount_before, event.amount_after) == (Decimal("50"), Decimal("100"))
    assert centenarian.events.get(kind="adjusted").reason.startswith("年满100周岁")
    with system_scope():
        december = generate_roll(programme="elderly_allowance", month=date(2026, 12, 1), area_code=VILLAGE_A, user=None)
        paid_december = {
            line.enrolment_id: line.amount_fen for line in RollLine.objects.filter(roll=december, kind="regular")
        }
    assert paid_december[enrolment.pk] == 10000 and paid_december[centenarian.pk] == 50000
    younger.refresh_from_db()
    assert Enrolment.objects.get(household=younger).monthly_amount == Decimal("50")  # turns 90 in December
    assert adjust_allowance_bands(date(2026, 11, 25))["adjusted"] == 0  # idempotent
    assert enrolment.events.filter(kind="adjusted").count() == 1


def _beds_by_the_orm(prefix: str, on_date: date) -> dict[str, tuple[int, int, int]]:
    """What beds_per_thousand's three grouped scans answer, read through the ORM: per township, the
    beds of institutions in operation, the open stays, the living residents of the elderly age."""
    from django.db.models import Count, Sum
    from django.db.models.functions import Substr

    from core.months import add_months
    from eldercare.models import Beds, Residence
    from registry.models import Person

    def by_township(queryset, total):
        rows = queryset.annotate(t=Substr("area_code", 1, 9)).values("t").order_by().annotate(n=total)
        return {row["t"]: int(row["n"] or 0) for row in rows}

    beds = by_township(
        Beds.objects.filter(area_code__startswith=prefix, institution__organisation__status="active"), Sum("count")
    )
    occupied = by_township(
        Residence.objects.filter(area_code__startswith=prefix, discharged_on__isnull=True), Count("id")
    )
    born_by = add_months(on_date, -12 * services.ELDERLY_AGE)
    elderly = by_township(
        Person.objects.filter(area_code__startswith=prefix, life_status="alive", birth_date__lte=born_by), Count("id")
    )
    return {
        code: (beds.get(code, 0), occupied.get(code, 0), elderly.get(code, 0))
        for code in sorted({*beds, *occupied, *elderly})
    }


def test_beds_per_thousand_answers_as_the_orm_would(worker_a, clerk_a):
    """The SQL twin of beds_per_thousand: two townships, a closed institution, a discharged and an
    open stay, the dead and the young — the same figures per township as the ORM reads them."""
    from registry.models import Organisation

    institution(beds={"self_care": 3, "partly_disabled": 2, "fully_disabled": 1})
    other = institution(area_code="430522101000", beds={"self_care": 4, "partly_disabled": 0, "fully_disabled": 0})
    closed = institution(area_code="430522101000", beds={"self_care": 9, "partly_disabled": 0, "fully_disabled": 0})
    Organisation.objects.filter(pk=closed.organisation_id).update(status=Organisation.Status.DEREGISTERED)
    for area, born, alive in (
        (VILLAGE_A, date(1950, 1, 1), True),
        (VILLAGE_A, date(1945, 1, 1), False),
        (VILLAGE_A, date(1990, 1, 1), True),
        ("430522101201", date(1930, 6, 1), True),
        ("430522101201", date(1966, 11, 21), True),
    ):
        dead = {} if alive else {"life_status": "deceased", "death_date": date(2026, 1, 2)}
        PersonFactory(area_code=area, birth_date=born, **dead)
    stay = services.admit(institution=other, person=elder("吴一"), care_level="self_care", on_date=TODAY, user=clerk_a)
    services.admit(institution=other, person=elder("吴二"), care_level="self_care", on_date=TODAY, user=clerk_a)
    services.discharge(stay, on_date=TODAY, reason="回家居住", user=clerk_a)
    rows, total = services.beds_per_thousand("430522", TODAY)
    expected = _beds_by_the_orm("430522", TODAY)
    assert {r.code: (r.beds, r.occupied, r.elderly) for r in rows} == expected
    assert (total.beds, total.occupied, total.elderly) == tuple(map(sum, zip(*expected.values(), strict=True)))
    assert expected["430522101"][:2] == (4, 1)  # the closed institution's beds do not count
