from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from areas.jurisdiction import scope_for_area, within
from core.errors import DomainError
from registry import services
from registry.models import Document, DocumentType, Membership
from registry.relations import Relation
from registry.tests.factories import HouseholdFactory, PersonFactory, new_id_number

pytestmark = pytest.mark.django_db
VILLAGE = "430522100201"


@pytest.fixture
def village(township_a):
    from accounts.tests.factories import ensure_area

    return ensure_area(VILLAGE, "城西社区")


def test_register_person_derives_sex_birth_and_pinyin(village):
    person = services.register_person(
        id_number=new_id_number(date(1990, 3, 4), male=False), name="王芳", area_code=VILLAGE
    )
    assert person.sex == "F" and person.birth_date == date(1990, 3, 4)
    assert person.name_pinyin == "wangfang" and person.name_initials == "wf"


def test_the_same_id_cannot_be_registered_twice_and_the_error_names_the_record(village):
    number = new_id_number()
    services.register_person(id_number=number, name="张三", area_code=VILLAGE)
    with pytest.raises(DomainError) as error:
        services.register_person(id_number=number, name="张叁", area_code=VILLAGE)
    assert error.value.code == "duplicate_id"
    assert "张三" in error.value.message


def test_a_duplicate_in_another_township_does_not_reveal_the_person(village, township_b):
    from accounts.tests.factories import ensure_area

    ensure_area("430522101201", "严塘村")
    number = new_id_number()
    services.register_person(id_number=number, name="张三", area_code=VILLAGE)
    with within(scope_for_area("430522101000")), pytest.raises(DomainError) as error:
        services.register_person(id_number=number, name="张三", area_code="430522101201")
    assert "张三" not in error.value.message and "其他辖区" in error.value.message


def test_a_sex_that_contradicts_the_id_is_refused(village):
    with pytest.raises(DomainError, match="性别与身份证号不一致"):
        services.register_person(id_number=new_id_number(male=True), name="李四", area_code=VILLAGE, sex="F")


def test_moving_a_person_keeps_the_old_membership(village):
    first, second = HouseholdFactory(), HouseholdFactory()
    child = PersonFactory(name="张小明")
    services.move_person(child, to=first, relation=Relation.SON, on_date=date(2024, 1, 1))
    services.move_person(child, to=second, relation=Relation.GRANDSON, on_date=date(2025, 6, 1))
    history = list(Membership.objects.filter(person=child).order_by("start_date"))
    assert [(m.household_id, m.end_date) for m in history] == [(first.pk, date(2025, 6, 1)), (second.pk, None)]


def test_split_and_merge_households(village):
    household = HouseholdFactory()
    son, daughter_in_law = PersonFactory(name="张军"), PersonFactory(name="李梅", sex="F")
    for person, relation in ((son, Relation.SON), (daughter_in_law, Relation.DAUGHTER_IN_LAW)):
        services.move_person(person, to=household, relation=relation, on_date=date(2020, 1, 1))
    new = services.split_household(
        household,
        new_head=son,
        members=[services.NewMember(daughter_in_law, Relation.WIFE)],
        address="新邵县酿溪镇城西社区88号",
        on_date=date(2025, 1, 1),
    )
    assert {m.person.name for m in new.current_memberships()} == {"张军", "李梅"}
    assert household.current_memberships().count() == 1

    services.merge_households(new, into=household, on_date=date(2026, 1, 1))
    assert household.current_memberships().count() == 3
    new.refresh_from_db()
    assert not new.is_active


def test_documents_flag_missing_and_expired_all_at_once(village):
    household = HouseholdFactory(head__name="张三")
    wife = PersonFactory(name="王芳", sex="F")
    services.move_person(wife, to=household, relation=Relation.WIFE, on_date=date(2020, 1, 1))
    id_card = DocumentType.objects.get(code="id_card")
    services.attach_document(doc_type=id_card, person=household.head, number="X", valid_until=date(2030, 1, 1))
    services.attach_document(doc_type=id_card, person=wife, number="Y", valid_until=date(2024, 1, 1))
    missing = services.missing_documents(household, ["id_card", "household_booklet"], date(2025, 1, 1))
    assert sorted(m.text for m in missing) == ["张三户：户口簿缺少", "王芳：居民身份证已过期"]


def test_only_pdf_jpg_png_are_accepted(village):
    person = PersonFactory()
    id_card = DocumentType.objects.get(code="id_card")
    with pytest.raises(DomainError) as error:
        services.attach_document(doc_type=id_card, person=person, upload=SimpleUploadedFile("a.exe", b"MZ\x90\x00"))
    assert error.value.code == "file_type"
    document = services.attach_document(
        doc_type=id_card, person=person, upload=SimpleUploadedFile("id.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    )
    assert document.content_type == "image/png" and document.file.name.endswith(".png")


def test_a_new_document_supersedes_the_old_one(village):
    person = PersonFactory()
    id_card = DocumentType.objects.get(code="id_card")
    old = services.attach_document(doc_type=id_card, person=person, number="1")
    services.attach_document(doc_type=id_card, person=person, number="2")
    old.refresh_from_db()
    assert not old.is_current
    assert Document.objects.filter(person=person, is_current=True).count() == 1


def test_update_household_refuses_a_non_numeric_account_and_logs_changes(village):
    from audit.models import AuditEntry

    household = HouseholdFactory()
    with pytest.raises(DomainError, match="只能是数字"):
        services.update_household(household, bank_account="6217-ABC")
    services.update_household(household, bank_account="6217002920001234567", bank_name="农业银行")
    entry = (
        AuditEntry.unscoped.filter(object_type="registry.household", object_id=str(household.pk)).order_by("id").last()
    )
    assert entry.changes["bank_account"] == ["", "****4567"]
    assert entry.changes["bank_name"] == ["", "农业银行"]


def test_replacing_a_document_is_on_record_and_its_number_never_reaches_the_log(village):
    from audit.models import AuditEntry

    person = PersonFactory()
    id_card = DocumentType.objects.get(code="id_card")
    old = services.attach_document(doc_type=id_card, person=person, number=person.id_number)
    services.attach_document(doc_type=id_card, person=person, number=person.id_number)
    entries = AuditEntry.unscoped.filter(object_type="registry.document")
    assert entries.filter(object_id=str(old.pk), changes__is_current=["True", "False"]).exists()
    assert not any(person.id_number in e.object_repr or person.id_number in str(e.changes) for e in entries)
