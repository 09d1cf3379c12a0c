"""Registry pages as the people who use them: 李经办 (clerk, 酿溪镇), 王经办 (clerk, 严塘镇),
赵民生 (livelihood worker, 城西社区, may not unmask)."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import ensure_area
from audit.models import AuditEntry
from registry.idcard import make_id_number
from registry.models import Document, DocumentType, Household, Membership, Person
from registry.relations import Relation
from registry.tests.factories import HouseholdFactory, PersonFactory, new_id_number

pytestmark = pytest.mark.django_db
VILLAGE_A = "430522100201"
VILLAGE_B = "430522101201"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def villages(township_a, township_b):
    return ensure_area(VILLAGE_A, "城西社区"), ensure_area(VILLAGE_B, "严塘村")


@pytest.fixture
def zhang_household(villages):
    """张三户 in 城西社区 (township A): head, wife, son."""
    household = HouseholdFactory(
        head=PersonFactory(name="张三", phone="13812345678"), bank_account="6217001234567890123", phone="13900001111"
    )
    for name, relation, male in (("李秀英", Relation.WIFE, False), ("张小明", Relation.SON, True)):
        person = PersonFactory(name=name, sex="M" if male else "F")
        Membership.objects.create(
            household=household, person=person, relation=relation, start_date=date(2020, 1, 1), area_code=VILLAGE_A
        )
    return household


@pytest.fixture
def wang_household(villages):
    """王五户 in 严塘村 (township B)."""
    return HouseholdFactory(
        area_code=VILLAGE_B, number="43052210120100001", head__name="王五", head__phone="13700002222"
    )


def _xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


def household_post(members, **household) -> dict:
    data = {
        "area": household.get("area", ""),
        "address": household.get("address", "新邵县酿溪镇城西社区建设路8号"),
        "kind": "urban",
        "phone": "",
        "bank_name": "邵阳农商银行",
        "bank_account_name": members[0][0],
        "bank_account": "6230901234567890",
        "on_date": "2026-03-01",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for index, (name, id_number, relation) in enumerate(members):
        data |= {
            f"members-{index}-name": name,
            f"members-{index}-id_number": id_number,
            f"members-{index}-relation": relation,
            f"members-{index}-phone": "",
            f"members-{index}-ethnicity": "汉族",
            f"members-{index}-marital_status": "90",
            f"members-{index}-labour_capacity": "full",
        }
    return data


def family_of_four() -> list[tuple[str, str, str]]:
    return [
        ("刘建国", make_id_number("430522", date(1975, 2, 3), 11, True), Relation.HEAD),
        ("周丽", make_id_number("430522", date(1977, 6, 9), 12, False), Relation.WIFE),
        ("刘子涵", make_id_number("430522", date(2005, 9, 1), 13, True), Relation.SON),
        ("刘雨桐", make_id_number("430522", date(2010, 12, 24), 14, False), Relation.DAUGHTER),
    ]


# --- lists, masking, search ------------------------------------------------------------------


def test_person_list_masks_id_and_phone(client, clerk_a, zhang_household):
    client.force_login(clerk_a)
    head = zhang_household.head
    content = client.get("/registry/persons/").content.decode()
    assert "张三" in content
    assert head.id_number not in content
    assert f"{head.id_number[:6]}********{head.id_number[-4:]}" in content
    assert "138****5678" in content and "13812345678" not in content


def test_person_list_finds_by_pinyin_initials_and_filters(client, clerk_a, zhang_household):
    client.force_login(clerk_a)
    content = client.get("/registry/persons/", {"q": "zxm"}).content.decode()
    assert "张小明" in content and "李秀英" not in content
    content = client.get("/registry/persons/", {"sex": "F"}).content.decode()
    assert "李秀英" in content and "张小明" not in content


def test_lists_show_only_the_users_jurisdiction(client, clerk_a, zhang_household, wang_household):
    client.force_login(clerk_a)
    assert "王五" not in client.get("/registry/persons/").content.decode()
    households = client.get("/registry/households/").content.decode()
    assert zhang_household.number in households and wang_household.number not in households


def test_household_list_masks_bank_account_and_head_id(client, clerk_a, zhang_household):
    client.force_login(clerk_a)
    content = client.get("/registry/households/", {"q": "zs"}).content.decode()
    assert zhang_household.number in content
    assert "6217001234567890123" not in content and zhang_household.head.id_number not in content


# --- another township gets 404 ---------------------------------------------------------------


def test_a_clerk_of_another_township_gets_404_for_the_household_everywhere(client, clerk_b, zhang_household):
    client.force_login(clerk_b)
    head = zhang_household.head
    for url in (
        f"/registry/households/{zhang_household.pk}/",
        f"/registry/households/{zhang_household.pk}/edit/",
        f"/registry/persons/{head.pk}/",
        f"/registry/persons/{head.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/registry/households/{zhang_household.pk}/unmask/").status_code == 404
    assert client.post(f"/registry/persons/{head.pk}/unmask/").status_code == 404
    rows = _xlsx_rows(client.get("/registry/households/", {"export": "xlsx"}))
    assert all(zhang_household.number not in str(row) for row in rows)
    rows = _xlsx_rows(client.get("/registry/persons/", {"export": "xlsx", "q": "张三"}))
    assert len(rows) == 1  # the header only


def test_a_document_of_another_township_is_404(client, clerk_a, clerk_b, zhang_household):
    document = Document.objects.create(
        doc_type_id="household_booklet", household=zhang_household, area_code=VILLAGE_A, number="X1"
    )
    # The row's link to its holder (the number is masked in the list, and "X1" alone once sat in the
    # page's random CSRF token).
    link = f'href="{reverse("registry:household_detail", args=[zhang_household.pk])}"'
    client.force_login(clerk_a)  # its own township lists it
    assert link in client.get("/registry/documents/", {"validity": "all"}).content.decode()
    client.force_login(clerk_b)
    assert client.get(f"/registry/documents/{document.pk}/file/").status_code == 404
    assert link not in client.get("/registry/documents/", {"validity": "all"}).content.decode()


# --- export ----------------------------------------------------------------------------------


def test_person_export_is_masked_and_contains_only_scoped_filtered_rows(
    client, clerk_a, zhang_household, wang_household
):
    client.force_login(clerk_a)
    rows = _xlsx_rows(client.get("/registry/persons/", {"export": "xlsx", "sex": "M"}))
    header, body = rows[0], rows[1:]
    assert header[:2] == ("姓名", "身份证号")
    assert sorted(r[0] for r in body) == ["张三", "张小明"]
    assert all("*" in r[1] for r in body)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("id")
    assert entry.changes["full"] is False and "sex=M" in entry.changes["filter"]


def test_full_export_needs_the_capability_and_is_audited(client, clerk_a, worker_a, zhang_household):
    client.force_login(worker_a)
    assert client.get("/registry/persons/", {"export": "xlsx", "full": "1"}).status_code == 403
    client.force_login(clerk_a)
    rows = _xlsx_rows(client.get("/registry/households/", {"export": "xlsx", "full": "1"}))
    assert rows[1][2] == zhang_household.head.id_number and rows[1][10] == "6217001234567890123"
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("id")
    assert entry.changes["full"] is True and entry.username == "clerk_a"


def test_document_list_flags_expired_and_masks_numbers(client, clerk_a, zhang_household):
    head = zhang_household.head
    Document.objects.create(
        doc_type_id="id_card",
        person=head,
        area_code=VILLAGE_A,
        number=head.id_number,
        valid_until=date.today() - timedelta(days=1),  # noqa: DTZ011
    )
    client.force_login(clerk_a)
    content = client.get("/registry/documents/").content.decode()
    assert "已过期" in content and head.id_number not in content
    rows = _xlsx_rows(client.get("/registry/documents/", {"export": "xlsx", "validity": "expired"}))
    assert len(rows) == 2 and rows[1][6] == "已过期"


# --- registering a household -----------------------------------------------------------------


def test_clerk_registers_a_household_of_four(client, clerk_a, villages):
    client.force_login(clerk_a)
    village = villages[0]
    assert village.name in client.get("/registry/households/new/").content.decode()
    response = client.post("/registry/households/new/", household_post(family_of_four(), area=village.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    household = Household.objects.get(head__name="刘建国")
    assert household.current_memberships().count() == 4
    assert household.kind == "urban" and household.bank_account == "6230901234567890"
    assert Person.objects.get(name="刘雨桐").name_initials == "lyt"
    assert response["Location"] == f"/registry/households/{household.pk}/"


def test_an_invalid_check_digit_is_named_and_nothing_is_saved(client, clerk_a, villages):
    client.force_login(clerk_a)
    members = family_of_four()
    good = members[2][1]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    members[2] = ("刘子涵", bad, Relation.SON)
    response = client.post("/registry/households/new/", household_post(members, area=villages[0].pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"身份证号“{bad}”校验位错误：最后一位应为{good[17]}" in content
    assert 'data-testid="error-id_number"' in content
    assert not Person.objects.filter(name="刘建国").exists()


def test_a_duplicate_id_is_refused_naming_the_existing_record(client, clerk_a, villages, zhang_household):
    client.force_login(clerk_a)
    members = family_of_four()
    members[3] = ("张小明", Person.objects.get(name="张小明").id_number, Relation.SON)
    response = client.post("/registry/households/new/", household_post(members, area=villages[0].pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert "身份证号已登记：张小明（" in content
    assert not Person.objects.filter(name__in=["刘建国", "周丽"]).exists()  # all or nothing
    assert not Household.objects.filter(head__name="刘建国").exists()


def test_the_same_id_twice_in_one_form_is_refused(client, clerk_a, villages):
    client.force_login(clerk_a)
    members = family_of_four()
    members[3] = ("刘雨桐", members[2][1], Relation.DAUGHTER)
    content = client.post("/registry/households/new/", household_post(members, area=villages[0].pk)).content.decode()
    assert "与第3行的身份证号重复" in content


def test_add_member_row_raises_the_form_count(client, clerk_a, villages):
    client.force_login(clerk_a)
    content = client.get("/registry/households/new/member-row/", {"members-TOTAL_FORMS": "4"}).content.decode()
    assert 'name="members-4-id_number"' in content and 'value="5"' in content and "hx-swap-oob" in content


def test_the_area_picker_offers_only_the_jurisdiction(client, clerk_b, villages):
    client.force_login(clerk_b)
    content = client.get("/registry/households/new/").content.decode()
    assert "严塘村" in content and "城西社区" not in content


# --- 360° pages, unmasking, timeline ---------------------------------------------------------


def test_unmask_requires_the_capability_and_writes_an_audit_entry(client, clerk_a, worker_a, zhang_household):
    head = zhang_household.head
    client.force_login(worker_a)
    assert head.id_number not in client.get(f"/registry/persons/{head.pk}/").content.decode()
    assert client.post(f"/registry/persons/{head.pk}/unmask/").status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL_DATA).exists()

    client.force_login(clerk_a)
    content = client.post(f"/registry/persons/{head.pk}/unmask/").content.decode()
    assert head.id_number in content and "13812345678" in content
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_PERSONAL_DATA)
    assert entry.username == "clerk_a" and entry.object_id == str(head.pk)
    assert entry.changes["fields"] == ["id_number", "phone"]


def test_household_bank_account_is_masked_until_unmasked(client, clerk_a, zhang_household):
    client.force_login(clerk_a)
    page = client.get(f"/registry/households/{zhang_household.pk}/").content.decode()
    assert "6217001234567890123" not in page and "****0123" in page
    assert "李秀英" in page and "张小明" in page
    page = client.post(f"/registry/households/{zhang_household.pk}/unmask/").content.decode()
    assert "6217001234567890123" in page
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEW_PERSONAL_DATA, object_type="registry.household"
    ).exists()


def test_timeline_shows_who_changed_what_old_to_new(client, clerk_a, zhang_household):
    person = Person.objects.get(name="张小明")
    client.force_login(clerk_a)
    data = {
        "name": "张晓明",
        "phone": "",
        "ethnicity": "汉族",
        "marital_status": "90",
        "disability_type": "4",
        "disability_grade": "2",
        "disability_certificate": "",
        "serious_illness": "",
        "labour_capacity": "partial",
        "employment": "",
        "education": "",
        "hukou_area_code": person.hukou_area_code,
    }
    response = client.post(f"/registry/persons/{person.pk}/edit/", data)
    assert response.status_code == 302
    page = client.get(f"/registry/persons/{person.pk}/").content.decode()
    assert "clerk_a" in page
    assert "姓名：<del" in page and "张小明</del> → <strong>张晓明</strong>" in page
    assert "残疾类别：<del" in page and "→ <strong>肢体残疾</strong>" in page
    assert '劳动能力：<del class="text-muted">有劳动能力</del> → <strong>部分丧失劳动能力</strong>' in page


def test_recording_a_death(client, clerk_a, zhang_household):
    person = Person.objects.get(name="李秀英")
    client.force_login(clerk_a)
    client.post(f"/registry/persons/{person.pk}/death/", {"death_date": "2026-02-01"})
    person.refresh_from_db()
    assert person.life_status == "deceased" and person.death_date == date(2026, 2, 1)


def test_moving_a_person_to_another_household_keeps_history(client, clerk_a, zhang_household):
    other = HouseholdFactory(head__name="赵六")
    person = Person.objects.get(name="张小明")
    client.force_login(clerk_a)
    response = client.post(
        f"/registry/persons/{person.pk}/move/",
        {"household_number": other.number, "relation": Relation.SON_IN_LAW, "on_date": "2026-03-01", "reason": "婚迁"},
    )
    assert response.status_code == 302
    assert person.memberships.count() == 2 and person.current_membership().household == other
    page = client.get(f"/registry/persons/{person.pk}/").content.decode()
    assert "婚迁" in page and zhang_household.number in page


def test_a_move_into_a_household_of_another_township_is_refused(client, clerk_a, zhang_household, wang_household):
    person = Person.objects.get(name="张小明")
    client.force_login(clerk_a)
    content = client.post(
        f"/registry/persons/{person.pk}/move/",
        {"household_number": wang_household.number, "relation": Relation.SON, "on_date": "2026-03-01"},
    ).content.decode()
    assert "本辖区没有户编号为" in content


def test_split_and_merge(client, clerk_a, zhang_household):
    son = Person.objects.get(name="张小明")
    client.force_login(clerk_a)
    response = client.post(
        f"/registry/households/{zhang_household.pk}/split/",
        {"new_head": son.pk, "address": "城西社区新村1号", "on_date": "2026-03-01"},
    )
    assert response.status_code == 302
    new = Household.objects.get(head=son)
    assert zhang_household.current_memberships().count() == 2
    response = client.post(
        f"/registry/households/{new.pk}/merge/", {"into_number": zhang_household.number, "on_date": "2026-04-01"}
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert not new.is_active and zhang_household.current_memberships().count() == 3


def test_document_upload_checks_type_and_is_listed(client, clerk_a, zhang_household):
    head = zhang_household.head
    client.force_login(clerk_a)
    response = client.post(
        f"/registry/persons/{head.pk}/documents/",
        {"doc_type": "id_card", "number": head.id_number, "file": SimpleUploadedFile("x.exe", b"MZ..")},
    )
    assert "只接受PDF、JPG、PNG格式的文件" in response.content.decode()
    response = client.post(
        f"/registry/persons/{head.pk}/documents/",
        {"doc_type": "id_card", "number": head.id_number, "file": SimpleUploadedFile("fake.pdf", b"not a pdf")},
    )
    assert "只接受PDF、JPG、PNG格式的文件" in response.content.decode()
    response = client.post(
        f"/registry/persons/{head.pk}/documents/",
        {
            "doc_type": "id_card",
            "number": head.id_number,
            "issued_by": "新邵县公安局",
            "valid_from": "2016-01-01",
            "valid_until": "2036-01-01",
            "file": SimpleUploadedFile("身份证.pdf", PDF),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(person=head)
    assert document.content_type == "application/pdf" and document.uploaded_by == clerk_a
    file_response = client.get(f"/registry/documents/{document.pk}/file/")
    assert b"".join(file_response.streaming_content) == PDF
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL_DATA, object_type="registry.document")
    page = client.get(f"/registry/persons/{head.pk}/").content.decode()
    assert "采集居民身份证" in page  # the timeline
    assert head.id_number not in page  # the ID card's number is masked like the ID itself


def test_household_checklist_names_missing_and_expired_documents(client, clerk_a, zhang_household):
    assert DocumentType.objects.filter(code="household_booklet").exists()
    Document.objects.create(
        doc_type_id="id_card",
        person=zhang_household.head,
        area_code=VILLAGE_A,
        valid_until=date(2020, 1, 1),
    )
    client.force_login(clerk_a)
    content = client.get(
        f"/registry/households/{zhang_household.pk}/", {"required": ["household_booklet", "id_card"]}
    ).content.decode()
    assert "张三户：户口簿缺少" in content
    assert "张三：居民身份证已过期" in content and "李秀英：居民身份证缺少" in content


def test_registry_menu_entries(client, clerk_a):
    client.force_login(clerk_a)
    content = client.get("/").content.decode()
    for label in ("居民", "家庭户", "证照材料"):
        assert f">{label}</a>" in content


def test_new_id_number_helper_is_valid():
    assert len(new_id_number()) == 18
