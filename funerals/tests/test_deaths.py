"""Deaths from every source: a file's lines matched to residents (ID number, or name and birth date for a
clerk to confirm), one death whatever the number of sources, each through the single death service."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from cases.models import CaseEvent
from funerals import services
from funerals.importing import IGNORE, read_death_file
from funerals.models import Death, DeathFile, DeathReport
from ledger import services as ledger
from ledger.models import Enrolment
from policy.programmes import Programme
from registry.models import Person
from registry.services import register_death
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db
VILLAGE = "430522100201"
COUNTY = "430522000000"


def csv(*rows) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode("utf-8")


def recipient(name="刘福生"):
    h = HouseholdFactory(area_code=VILLAGE, head__name=name, bank_name="农商银行", bank_account="6221580000000000001")
    enrolment = ledger.enrol(
        programme=Programme.DIBAO, household=h, monthly_amount=Decimal("500"), decided_on=date(2025, 1, 10)
    )
    return h.head, enrolment


def import_file(kind, data, user, organisation=None, name="list.csv", mapping=None):
    reading = read_death_file(data, name, mapping)
    return services.import_death_file(
        reading,
        kind=kind,
        month=date(2026, 3, 1),
        filename=name,
        user=user,
        area_code=COUNTY,
        organisation=organisation,
        mapping=mapping,
    )


def test_a_cremation_list_stops_the_benefit_once_and_the_police_file_only_confirms(approver, clerk_a, funeral_home):
    person, enrolment = recipient()
    cremations = csv(
        ["序号", "姓名", "身份证号", "死亡日期", "火化日期"],
        ["1", person.name, person.id_number, "2026-03-02", "2026-03-04"],
    )
    first = import_file(DeathFile.Kind.FUNERAL, cremations, approver, funeral_home)
    assert (first.matched_count, first.new_deaths, first.confirmations) == (1, 1, 0)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.end_month) == (Enrolment.Status.STOPPED, date(2026, 4, 1))
    police = csv(["姓名", "公民身份号码", "死亡时间"], [person.name, person.id_number, "2026-03-02"])
    second = import_file(DeathFile.Kind.POLICE, police, approver)
    assert (second.new_deaths, second.confirmations) == (0, 1)
    death = Death.objects.get(person=person)
    assert (death.first_source, death.confirmations) == ("funeral", 1)
    assert "停发" in death.outcome and "复核" in death.outcome, death.outcome
    assert enrolment.events.filter(kind="stopped").count() == 1
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE, data__death_of=person.pk).count() == 1


def test_a_registry_edit_is_the_first_source_and_a_file_confirms_it(approver, clerk_a):
    person, _ = recipient()
    register_death(person, died_on=date(2026, 3, 5), user=clerk_a)
    assert Death.objects.get(person=person).first_source == "registry"
    done = import_file(
        DeathFile.Kind.HOSPITAL,
        csv(["姓名", "身份证号", "死亡日期"], [person.name, person.id_number, "2026-03-05"]),
        approver,
    )
    assert (done.new_deaths, done.confirmations) == (0, 1)
    assert Death.objects.get(person=person).confirmations == 1


def test_name_and_birth_date_are_a_suggestion_the_clerk_confirms(approver):
    person, enrolment = recipient("王秀兰")
    data = csv(["姓名", "出生日期", "死亡日期"], ["王秀兰", person.birth_date.isoformat(), "2026-03-08"])
    done = import_file(DeathFile.Kind.POLICE, data, approver)
    assert (done.matched_count, done.suggested_count, done.new_deaths) == (0, 1, 0)
    person.refresh_from_db()
    assert person.life_status == Person.LifeStatus.ALIVE  # nothing stops on a suggestion
    report = DeathReport.objects.get(file=done)
    services.decide_suggestion(report, same_person=True, user=approver)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.STOPPED
    assert DeathFile.objects.get(pk=done.pk).new_deaths == 1


def test_a_rejected_suggestion_stops_nothing(approver):
    person, enrolment = recipient("王秀兰")
    done = import_file(
        DeathFile.Kind.POLICE,
        csv(["姓名", "出生日期", "死亡日期"], ["王秀兰", person.birth_date.isoformat(), "2026-03-08"]),
        approver,
    )
    services.decide_suggestion(DeathReport.objects.get(file=done), same_person=False, user=approver)
    enrolment.refresh_from_db()
    assert enrolment.status != Enrolment.Status.STOPPED
    assert DeathReport.objects.get(file=done).match == "rejected"


def test_a_file_with_one_bad_line_writes_nothing(approver):
    person, _ = recipient()
    data = csv(
        ["姓名", "身份证号", "死亡日期"],
        [person.name, person.id_number, "2026-03-02"],
        ["李四", "430522198005170000", "2026-13-01"],
    )
    reading = read_death_file(data, "bad.csv")
    assert len(reading.problems) >= 1
    with pytest.raises(Exception, match="未导入任何数据"):
        services.import_death_file(
            reading, kind="death", month=date(2026, 3, 1), filename="bad.csv", user=approver, area_code=COUNTY
        )
    assert not DeathFile.objects.exists() and not Death.objects.exists()


def test_an_unknown_column_is_never_dropped_silently():
    data = csv(["姓名", "身份证号", "死亡日期", "所在单位"], ["张三", "", "2026-03-02", "县运输公司"])
    reading = read_death_file(data, "x.csv")
    assert [reading.headers[p] for p in reading.unknown] == ["所在单位"]
    mapped = read_death_file(data, "x.csv", {"所在单位": IGNORE})
    assert (mapped.unknown, mapped.ignored_headers, len(mapped.lines)) == ([], ["所在单位"], 1)


def test_an_xlsx_with_its_own_headers_is_mapped_by_the_clerk(approver, funeral_home):
    person, _ = recipient()
    book = Workbook()
    sheet = book.active
    sheet.append(["逝者", "证件", "去世日期"])
    sheet.append([person.name, person.id_number, "2026-03-09"])
    buffer = io.BytesIO()
    book.save(buffer)
    mapping = {"逝者": "name", "证件": "id_number", "去世日期": "died_on"}
    done = import_file(
        DeathFile.Kind.FUNERAL, buffer.getvalue(), approver, funeral_home, name="list.xlsx", mapping=mapping
    )
    assert done.new_deaths == 1


def test_a_resident_of_another_township_is_not_matched_by_a_township_clerk(clerk_b):
    from areas.jurisdiction import scope_for_user, within

    person, _ = recipient()
    with within(scope_for_user(clerk_b)):
        done = import_file(
            DeathFile.Kind.POLICE,
            csv(["姓名", "身份证号", "死亡日期"], [person.name, person.id_number, "2026-03-02"]),
            clerk_b,
        )
    assert (done.matched_count, done.unmatched_count) == (0, 1)


def test_the_import_page_maps_checks_and_imports(client, approver, funeral_home):
    from django.core.files.uploadedfile import SimpleUploadedFile

    person, _ = recipient()
    client.force_login(approver)
    data = csv(["姓名", "身份证号", "死亡日期", "承办人"], [person.name, person.id_number, "2026-03-02", "老李"])
    page = client.post(
        "/funerals/files/new/",
        {
            "step": "upload",
            "kind": "funeral",
            "organisation": funeral_home.pk,
            "month": "2026-03",
            "file": SimpleUploadedFile("火化.csv", data),
        },
    )
    assert page.status_code == 200 and "承办人" in page.content.decode()
    form = page.context
    posted = {"step": "mapping", "token": form["token"], **form["meta"]}
    for n, column in enumerate(form["columns"]):
        posted[f"header_{n}"] = column["header"]
        posted[f"map_{n}"] = column["key"] or IGNORE
    done = client.post("/funerals/files/new/", posted, follow=True)
    assert "新登记死亡1人" in done.content.decode()
    assert client.get("/funerals/?export=xlsx").status_code == 200
    assert client.get("/funerals/").status_code == 200


def test_a_bad_upload_is_a_chinese_400(client, approver):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(approver)
    page = client.post(
        "/funerals/files/new/",
        {"step": "upload", "kind": "death", "month": "2026-03", "file": SimpleUploadedFile("a.txt", b"hello")},
    )
    assert page.status_code == 400 and "只接受" in page.content.decode()
    page = client.post("/funerals/files/new/", {"step": "mapping", "token": "../../etc/passwd", "filename": "a.csv"})
    assert page.status_code == 400


def test_a_death_found_by_the_verification_sweep_has_its_one_death_and_a_cremation_list_confirms_it(
    approver, clerk_a, funeral_home
):
    from verification.jobs import sweep_and_open
    from verification.tests.factories import DAY, enrol, family, load

    household = family({"name": "王大"})
    enrolment = enrol(household)
    head = household.head
    load("death", ["身份证号", "姓名", "死亡日期"], [[head.id_number, "王大", "2025-05-20"]])
    sweep_and_open(on_date=DAY)
    death = Death.objects.get(person=head)  # the 死亡信息 exists, with the department as its source
    assert (death.first_source, death.died_on, death.confirmations) == ("death", date(2025, 5, 20), 0)
    cremations = csv(
        ["姓名", "身份证号", "死亡日期", "火化日期"], [head.name, head.id_number, "2025-05-20", "2025-05-22"]
    )
    later = import_file(DeathFile.Kind.FUNERAL, cremations, approver, funeral_home)
    assert (later.new_deaths, later.confirmations) == (0, 1)
    assert Death.objects.filter(person=head).count() == 1
    assert Death.objects.get(person=head).confirmations == 1
    assert Enrolment.objects.get(pk=enrolment.pk).events.filter(kind="stopped").count() == 1
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE, data__death_of=head.pk).count() == 1


def test_a_sweep_finding_a_death_a_cremation_list_recorded_first_only_confirms_it(approver, clerk_a, funeral_home):
    from verification.jobs import sweep_and_open
    from verification.models import Finding
    from verification.tests.factories import DAY, enrol, family, load

    household = family({"name": "王大"}, {"name": "李二"})  # the widower's dibao goes on: the sweep still sees her
    enrol(household)
    wife = household.current_memberships()[1].person
    cremations = csv(
        ["姓名", "身份证号", "死亡日期", "火化日期"], [wife.name, wife.id_number, "2025-05-20", "2025-05-22"]
    )
    import_file(DeathFile.Kind.FUNERAL, cremations, approver, funeral_home)
    load("death", ["身份证号", "姓名", "死亡日期"], [[wife.id_number, wife.name, "2025-05-20"]])
    sweep_and_open(on_date=DAY)
    assert Finding.objects.filter(kind=Finding.Kind.DEATH, person=wife).exists()
    death = Death.objects.get(person=wife)
    assert (death.first_source, death.confirmations) == ("funeral", 1)
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE, data__death_of=wife.pk).count() == 1
