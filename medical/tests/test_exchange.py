"""The eligible-persons file for the 医保局: who is in it under which class, the delta since the last
file, the background job with its xlsx and csv, and the import of the bureau's paid-assistance file
(all or nothing) showing in the household's history and in the monitoring data."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from areas.jurisdiction import scope_for_user, within
from ledger.models import Enrolment
from medical import exchange
from medical.models import AidClass, ExchangeFile, MedicalPayment
from monitoring.models import MonitoredHousehold
from registry.models import Membership
from registry.relations import Relation
from registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


def _enrol(programme, household, beneficiary=None, start=date(2025, 1, 1)):
    return Enrolment.objects.create(
        programme=programme,
        household=household,
        beneficiary=beneficiary,
        area_code=household.area_code,
        monthly_amount=Decimal("500"),
        start_month=start,
        last_reviewed_on=start,
    )


def _member(household, name):
    person = PersonFactory(name=name, area_code=household.area_code)
    Membership.objects.create(
        household=household,
        person=person,
        relation=Relation.SON,
        start_date=date(2020, 1, 1),
        area_code=household.area_code,
    )
    return person


@pytest.fixture
def families():
    dibao = HouseholdFactory(head__name="王低保")
    child = _member(dibao, "王小二")
    _enrol("dibao", dibao)
    tekun = HouseholdFactory(head__name="孙特困")
    _enrol("tekun", tekun, tekun.head)
    # 特困 wins over 低保 for one person in both
    _enrol("tekun", dibao, child, start=date(2025, 6, 1))
    watched = HouseholdFactory(head__name="李监测")
    MonitoredHousehold.objects.create(
        household=watched, category="edge", since=date(2025, 3, 1), area_code=watched.area_code
    )
    return {"dibao": dibao, "child": child, "tekun": tekun, "watched": watched}


def test_each_eligible_person_once_with_the_first_class_that_applies(families):
    found = exchange.eligible(TODAY)
    classes = {e.name: e.aid_class for e in found.values()}
    assert classes == {
        "王低保": AidClass.DIBAO,
        "王小二": AidClass.TEKUN,
        "孙特困": AidClass.TEKUN,
        "李监测": AidClass.LOW_INCOME,
    }
    assert found[families["watched"].head_id].valid_from == date(2025, 3, 1)


def test_a_delta_lists_new_changed_and_stopped_since_the_last_file(families, approver):
    first = exchange.build_file(kind=ExchangeFile.Kind.FULL, as_of=TODAY, area_code="430522000000")
    assert (first.rows, first.added) == (4, 4)
    assert exchange.build_file(kind=ExchangeFile.Kind.DELTA, as_of=TODAY, area_code="430522000000") is None
    # the 低保 household stops; a new orphan is enrolled
    Enrolment.objects.filter(household=families["dibao"], programme="dibao").update(status="stopped")
    orphan = HouseholdFactory(head__name="赵孤儿", head__birth_date=date(2015, 1, 1))
    _enrol("orphan", orphan, orphan.head)
    delta = exchange.build_file(kind=ExchangeFile.Kind.DELTA, as_of=TODAY, area_code="430522000000")
    assert (delta.added, delta.changed, delta.stopped) == (1, 0, 1)
    text = delta.csv.open("rb").read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == exchange.COLUMNS
    by_name = {r[2]: r for r in rows[1:]}
    assert by_name["赵孤儿"][0] == "新增" and by_name["赵孤儿"][3] == "02"
    assert by_name["王低保"][0] == "终止" and by_name["王低保"][6] == TODAY.isoformat()


def test_the_file_is_generated_in_the_background_and_downloads_are_logged(
    client, families, approver, django_capture_on_commit_callbacks
):
    from audit.models import AuditEntry

    client.force_login(approver)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/medical/generate/", {"kind": "full"})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    made = ExchangeFile.objects.get()
    assert made.rows == 4 and made.xlsx and made.csv
    download = client.get(f"/medical/files/{made.pk}/xlsx/")
    assert download.status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def _paid_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "公民身份号码",
            "姓名",
            "结算单号",
            "结算日期",
            "医疗机构名称",
            "医疗费用总额",
            "统筹基金支付",
            "医疗救助基金支付",
            "个人负担",
        ]
    )
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_the_paid_file_shows_in_the_household_history_and_in_the_monitoring_data(client, families, approver):
    from verification.models import DatasetRow

    dibao = families["dibao"]
    content = _paid_csv(
        [
            [
                dibao.head.id_number,
                "王低保",
                "JS2026001",
                "2026-02-03",
                "新邵县人民医院",
                "12000.00",
                "7000",
                "3500",
                "1500",
            ],
            [
                families["child"].id_number,
                "王小二",
                "JS2026002",
                "2026/02/10",
                "新邵县中医院",
                "800",
                "500",
                "200",
                "100",
            ],
        ]
    )
    client.force_login(approver)
    response = client.post("/medical/import/", {"file": SimpleUploadedFile("支付.csv", content)})
    assert response.status_code == 302
    assert MedicalPayment.objects.count() == 2
    assert DatasetRow.objects.filter(source="medical", amount=Decimal("12000.00")).exists()
    page = client.get(f"/registry/households/{dibao.pk}/").content.decode()
    assert "医疗救助3500.00元（医保局结算）" in page
    from medical.paid import spending_in_12_months

    assert spending_in_12_months(dibao.pk, TODAY)["self_paid"] == Decimal("1600.00")
    again = client.post("/medical/import/", {"file": SimpleUploadedFile("支付.csv", content)})
    assert again.status_code == 400 and "已经导入过" in again.content.decode()


def test_one_bad_row_refuses_the_whole_file_and_a_mapping_names_other_columns(client, families, approver):
    dibao = families["dibao"]
    bad = _paid_csv(
        [
            [dibao.head.id_number, "王低保", "JS1", "2026-02-03", "医院", "100", "50", "30", "20"],
            ["430522199901011234", "某人", "JS2", "2026-02-03", "医院", "100", "50", "30", "20"],
        ]
    )
    client.force_login(approver)
    response = client.post("/medical/import/", {"file": SimpleUploadedFile("bad.csv", bad)})
    assert response.status_code == 400
    assert "第3行" in response.content.decode()
    assert not MedicalPayment.objects.exists()
    # another layout: the clerk names the columns
    out = io.StringIO()
    csv.writer(out).writerows(
        [["身份证", "单号", "日期", "总费用", "救助"], [dibao.head.id_number, "X1", "20260205", "900", "300"]]
    )
    mapping = {
        "col_id_number": "身份证",
        "col_name": "",
        "col_settlement_no": "单号",
        "col_settled_on": "日期",
        "col_hospital": "",
        "col_total_cost": "总费用",
        "col_insurance_paid": "",
        "col_aid_paid": "救助",
        "col_self_paid": "",
    }
    ok = client.post("/medical/import/", {"file": SimpleUploadedFile("other.csv", out.getvalue().encode()), **mapping})
    assert ok.status_code == 302
    assert MedicalPayment.objects.get().settled_on == date(2026, 2, 5)


def test_another_county_user_cannot_import_people_outside_the_jurisdiction(families, approver):
    from core.errors import DomainError
    from medical.paid import read_paid

    path_rows = _paid_csv(
        [[families["dibao"].head.id_number, "王低保", "J9", "2026-02-03", "医院", "100", "50", "30", "20"]]
    )
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(path_rows)
        handle.flush()
        from areas.jurisdiction import scope_for_area

        with within(scope_for_area("430523000000")), pytest.raises(DomainError, match="不在本辖区"):
            read_paid(handle.name, "x.csv", exchange_mapping(), timezone.localdate())
    assert scope_for_user(approver).allows(families["dibao"].area_code)


def exchange_mapping():
    from medical.paid import default_mapping

    return default_mapping()


def test_the_scheduler_writes_one_file_per_county_and_no_empty_delta(families):
    assert exchange.monthly_full(TODAY) == {"files": 1}
    assert exchange.daily_delta(TODAY) == {"files": 0}
    assert ExchangeFile.objects.get().area_code == "430522000000"
