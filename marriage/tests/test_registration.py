"""Marriage registration at the window (全国通办): a couple from two provinces registers at 新邵;
a refusal names the rule and writes nothing; the register feeds the registry's marital status."""

from datetime import date

import pytest

from cases.models import Case, CaseEvent
from core.errors import DomainError
from marriage import services
from marriage.models import Certificate, MarriageRecord
from marriage.tests.conftest import DAY, party
from registry.models import Person
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_couple_from_two_provinces_registers_at_the_county_office(registrar, couple):
    man, woman = couple
    result = services.register_marriage(user=registrar, first=woman, second=man, on_date=DAY)
    record = result.record
    assert record is not None and result.decision.allowed
    assert (record.man_name, record.woman_name) == ("王磊", "刘婷")  # sides from the ID numbers
    assert record.number == "J430522-2026-000001"
    assert record.area_code == "430522000000" and record.office_name == "新邵县民政局"
    # the parties are recorded in the registry with their household registration from the ID
    husband = Person.objects.get(id_number=man.id_number)
    assert husband.hukou_area_code == "440106000000" and husband.area_code == "430522000000"
    assert husband.marital_status == Person.MaritalStatus.MARRIED
    assert Person.objects.get(id_number=woman.id_number).marital_status == Person.MaritalStatus.MARRIED
    # one certificate each
    assert sorted(Certificate.objects.filter(record=record).values_list("number", flat=True)) == [
        "J430522-2026-000001-1",
        "J430522-2026-000001-2",
    ]
    # the case is the couple's, approved, with the subject on its timeline
    case = result.case
    assert case.subject_kind == Case.SubjectKind.COUPLE and case.household_id is None
    assert case.status == Case.Status.APPROVED
    assert case.replied_at is not None  # the certificate handed over at the window is the reply
    assert case.subject_title == "王磊、刘婷（结婚登记）"
    accepted = case.events.get(kind=CaseEvent.Kind.ACCEPTED)
    assert "王磊、刘婷（结婚登记）" in accepted.text


def test_an_under_age_party_is_refused_naming_the_rule_and_nothing_is_written(registrar):
    man = party("周强", male=True, born=date(2004, 3, 3))  # 22 tomorrow
    woman = party("孙丽", male=False, born=date(2000, 1, 1))
    result = services.register_marriage(user=registrar, first=man, second=woman, on_date=DAY)
    assert result.record is None
    assert result.decision.rules == ["age"]
    assert "第一千零四十七条" in result.decision.refusals[0]
    assert not MarriageRecord.objects.exists()
    assert not Case.objects.exists()
    assert not Person.objects.filter(name__in=["周强", "孙丽"]).exists()


def test_a_party_married_in_our_register_is_refused(registrar, couple):
    man, woman = couple
    services.register_marriage(user=registrar, first=man, second=woman, on_date=DAY)
    other = party("赵雪", male=False, area6="430522")
    result = services.register_marriage(user=registrar, first=man, second=other, on_date=date(2026, 4, 1))
    assert result.record is None
    assert result.decision.rules == ["married"]
    assert MarriageRecord.objects.count() == 1


def test_missing_declarations_refuse(registrar):
    man = party("钱进", male=True, declared_no_kinship=False)
    woman = party("吴月", male=False, declared_no_spouse=False)
    result = services.register_marriage(user=registrar, first=man, second=woman, on_date=DAY)
    assert set(result.decision.rules) == {"kinship", "no_spouse_declaration"}


def test_a_resident_keeps_their_registry_record(registrar):
    resident = PersonFactory(name="张三", sex="M", birth_date=date(1995, 1, 1), marital_status="10")
    woman = party("李娜", male=False)
    man = services.PartyInput(
        id_number=resident.id_number,
        name="张三",
        declared_no_spouse=True,
        declared_no_kinship=True,
        declared_voluntary=True,
    )
    record = services.register_marriage(user=registrar, first=man, second=woman, on_date=DAY).record
    assert record.man_id == resident.pk
    resident.refresh_from_db()
    assert resident.marital_status == Person.MaritalStatus.MARRIED and resident.area_code == "430522100201"


def test_a_name_that_differs_from_the_registry_is_refused(registrar):
    resident = PersonFactory(name="张三", sex="M", birth_date=date(1995, 1, 1))
    man = services.PartyInput(id_number=resident.id_number, name="张山")
    with pytest.raises(DomainError) as error:
        services.register_marriage(user=registrar, first=man, second=party("李娜", male=False), on_date=DAY)
    assert error.value.code == services.MarriageCode.IDENTITY


def test_a_clerk_may_not_register(clerk_a, couple):
    with pytest.raises(DomainError) as error:
        services.register_marriage(user=clerk_a, first=couple[0], second=couple[1], on_date=DAY)
    assert error.value.code == services.MarriageCode.NO_PERMISSION


def test_reissue_voids_the_old_certificate(registrar, couple):
    record = services.register_marriage(user=registrar, first=couple[0], second=couple[1], on_date=DAY).record
    new = services.reissue_certificate(
        user=registrar, record=record, holder="woman", on_date=date(2026, 5, 6), reason="遗失"
    )
    assert new.number == "BJ430522-2026-000001" and new.kind == Certificate.Kind.REISSUE
    assert not Certificate.objects.get(number="J430522-2026-000001-2").is_current
    assert Certificate.objects.get(number="J430522-2026-000001-1").is_current
    case = Case.objects.get(pk=new.case_id)
    assert case.subject_kind == Case.SubjectKind.PERSON and case.subject_title == "刘婷（补领婚姻登记证）"


def test_revocation_restores_the_statuses_before(registrar):
    man = party("马超", male=True, prior_status="40")
    woman = party("林雨", male=False)
    record = services.register_marriage(user=registrar, first=man, second=woman, on_date=DAY).record
    services.revoke_marriage(
        user=registrar, record=record, on_date=date(2026, 9, 1), basis="（2026）湘0522民初123号", reason="受胁迫结婚"
    )
    record.refresh_from_db()
    assert record.status == MarriageRecord.Status.REVOKED
    assert Person.objects.get(id_number=man.id_number).marital_status == Person.MaritalStatus.DIVORCED
    assert Person.objects.get(id_number=woman.id_number).marital_status == Person.MaritalStatus.UNMARRIED
    assert services.marital_answer(man.id_number) == "no"
    assert not record.certificates.filter(is_current=True).exists()


def test_the_register_feeds_the_verification_source(registrar, couple):
    from registry.hooks import marital_register

    man, woman = couple
    record = services.register_marriage(user=registrar, first=man, second=woman, on_date=DAY).record
    entries = marital_register().records_for([man.id_number, "430522199001010000"])
    assert [(e.kind, e.label, e.on_date, e.number) for e in entries[man.id_number]] == [
        ("married", "结婚登记", DAY, record.number)
    ]
    assert entries["430522199001010000"] == []
