"""Ledger import through the pages, as clerk_a of 酿溪镇 would do it (jobs run inline: immediate backend)."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import ensure_area
from areas.jurisdiction import scope_for_area, within
from audit.models import AuditEntry
from jobs.models import Job
from registry.idcard import make_id_number
from registry.importing.checking import check
from registry.importing.jobs import KIND
from registry.importing.reading import read_sheet
from registry.importing.writing import write_households
from registry.models import Household, Membership, Person, PersonNameGram
from registry.relations import Relation
from registry.search import name_grams
from registry.tests import samples

VILLAGE_A = "430522100201"  # 城西社区, township A (酿溪镇)
VILLAGE_B = "430522101201"  # a village of township B (严塘镇)
HOME = reverse("registry:registry_import:home")

pytestmark = pytest.mark.django_db


@pytest.fixture
def villages(township_a, township_b):
    ensure_area(VILLAGE_A, "城西社区")
    ensure_area(VILLAGE_B, "严塘村")


@pytest.fixture(autouse=True)
def _jobs_run_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The test transaction never commits: run each job's on-commit start at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def upload(client, data: bytes, name: str = "台账.xlsx"):
    response = client.post(HOME, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.unscoped.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1]))
    return job, client.get(response.url)


def good_rows(count: int = 2, village: str = VILLAGE_A, start: int = 1) -> list[dict]:
    rows = []
    for n in range(start, start + count):
        rows += samples.household_rows(n, village, n)
    return rows


def test_template_download_has_headers_and_dropdowns(client, clerk_a, villages):
    client.force_login(clerk_a)
    response = client.get(reverse("registry:registry_import:template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["家庭户台账"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["户编号*", "与户主关系*", "姓名*", "身份证号*"]
    assert "城乡类别" in headers and "残疾类别" in headers
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789") for dv in sheet.data_validations.dataValidation}
    assert {"B", "E", "R", "I"} <= lists  # 与户主关系, 性别, 城乡类别, 残疾类别
    assert sheet["D2"].number_format == "@"  # ID numbers are text: Excel cannot mangle them
    assert "城西社区" in [c.value for column in workbook["代码表"].iter_cols() for c in column]


def test_template_round_trip_imports_everything(client, clerk_a, villages):
    client.force_login(clerk_a)
    template = b"".join(client.get(reverse("registry:registry_import:template")).streaming_content)
    rows = good_rows(2)
    rows[0]["disability_type"], rows[0]["disability_grade"] = "肢体残疾", "2级"
    rows[0]["start_date"] = "2025.3.1"
    job, page = upload(client, samples.fill_template(template, rows))

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.log
    assert job.result["status"] == "imported", job.result
    assert job.result["imported_households"] == 2 and job.result["imported_persons"] == 6
    assert "已导入 2 户 6 人" in page.content.decode()
    head = Person.unscoped.get(id_number=rows[0]["id_number"])
    assert head.name == rows[0]["name"] and head.area_code == VILLAGE_A
    assert head.disability_type == "4" and head.disability_grade == 2
    assert head.name_pinyin and head.birth_date.year == 1951
    household = Household.unscoped.get(head=head)
    assert household.number == f"{VILLAGE_A}00001" and household.kind == "rural"
    assert household.bank_account == rows[0]["bank_account"]
    members = Membership.unscoped.filter(household=household)
    assert members.count() == 3 and members.get(person=head).relation == Relation.HEAD
    assert members.get(person=head).start_date == date(2025, 3, 1)
    assert Household.unscoped.filter(number=f"{VILLAGE_A}00002").exists()
    grams = set(PersonNameGram.objects.filter(person_id=head.pk).values_list("gram", flat=True))
    assert grams and grams == name_grams(head.name)  # the search table is filled for bulk loads too
    entry = AuditEntry.unscoped.get(action=AuditEntry.Action.IMPORT)
    assert entry.changes["persons"] == 6 and entry.username == "clerk_a"


def test_csv_is_accepted_in_gbk_too(client, clerk_a, villages):
    client.force_login(clerk_a)
    job, _ = upload(client, samples.template_csv_bytes(good_rows(1), encoding="gb18030"), "台账.csv")
    job.refresh_from_db()
    assert job.result["status"] == "imported" and job.result["imported_persons"] == 3


def test_half_bad_file_writes_nothing_and_offers_the_choice(client, clerk_a, villages):
    client.force_login(clerk_a)
    rows = good_rows(3)
    rows[3]["id_number"] = rows[3]["id_number"][:17] + ("0" if rows[3]["id_number"][17] != "0" else "1")
    job, page = upload(client, samples.template_workbook_bytes(rows))
    job.refresh_from_db()
    assert job.result["status"] == "has_errors"
    assert Person.unscoped.count() == 0 and Household.unscoped.count() == 0 and Membership.unscoped.count() == 0
    assert not AuditEntry.unscoped.filter(action=AuditEntry.Action.IMPORT).exists()
    html = page.content.decode()
    assert "共3户9人，其中有错误的1户" in html
    assert "下载错误清单" in html and "仅导入无错误的户" in html and "取消" in html

    # The error workbook: the original sheet, 错误说明 column, the bad cell red.
    response = client.get(reverse("registry:registry_import:errors", args=[job.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["错误标注"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["错误说明", "导入状态"]
    assert "校验位错误" in sheet.cell(row=5, column=len(header) - 1).value
    assert sheet.cell(row=5, column=4).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=6, column=len(header)).value == "同户有错误"
    listing = list(workbook["错误清单"].iter_rows(values_only=True))
    assert listing[1][:3] == (5, "D", "身份证号")

    # Only the valid households, as the clerk chose.
    response = client.post(reverse("registry:registry_import:valid_only", args=[job.pk]))
    follow = Job.unscoped.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1]))
    assert follow.result["status"] == "imported" and follow.result["imported_households"] == 2
    assert Person.unscoped.count() == 6
    assert not Person.unscoped.filter(id_number=rows[4]["id_number"]).exists()  # same household as the bad row
    # A second click starts nothing.
    client.post(reverse("registry:registry_import:valid_only", args=[job.pk]))
    assert Job.unscoped.filter(kind=KIND).count() == 2


def test_cancel_writes_nothing(client, clerk_a, villages):
    client.force_login(clerk_a)
    rows = good_rows(2)
    rows[0]["relation"] = "配偶"  # household 1 has no head
    job, _ = upload(client, samples.template_workbook_bytes(rows))
    response = client.post(reverse("registry:registry_import:cancel", args=[job.pk]), follow=True)
    assert "已取消本次导入" in response.content.decode()
    assert Person.unscoped.count() == 0
    job.refresh_from_db()
    assert job.result["cancelled"] is True


def test_clerk_b_cannot_import_into_township_a_and_history_is_scoped(client, clerk_a, clerk_b, villages):
    client.force_login(clerk_b)
    job, page = upload(client, samples.template_workbook_bytes(good_rows(1, VILLAGE_A)))
    job.refresh_from_db()
    assert job.area_code == clerk_b.area_code
    assert job.result["status"] == "has_errors"
    assert "不在您的辖区内" in page.content.decode()
    assert Person.unscoped.count() == 0

    client.force_login(clerk_a)
    own, _ = upload(client, samples.template_workbook_bytes(good_rows(1, VILLAGE_A, start=5)), "酿溪镇台账.xlsx")
    history = client.get(HOME).content.decode()
    assert "酿溪镇台账.xlsx" in history and ">台账.xlsx</a>" not in history
    assert client.get(reverse("registry:registry_import:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("registry:registry_import:errors", args=[job.pk])).status_code == 404
    client.force_login(clerk_b)
    assert client.get(reverse("registry:registry_import:detail", args=[own.pk])).status_code == 404


def test_duplicate_against_registry(client, clerk_a, villages):
    client.force_login(clerk_a)
    rows = good_rows(1)
    upload(client, samples.template_workbook_bytes(rows))
    job, page = upload(client, samples.template_workbook_bytes(rows))
    job.refresh_from_db()
    assert job.result["bad_households"] == 1
    assert "身份证号已登记" in page.content.decode()
    assert Person.unscoped.count() == 3


def test_roster_as_the_bureau_has_it(client, clerk_a, villages):
    client.force_login(clerk_a)
    head = make_id_number("430522", date(1960, 4, 5), 11, True)
    wife = make_id_number("430522", date(1962, 6, 7), 12, False)
    son = make_id_number("430522", date(1990, 8, 9), 13, True)
    single = make_id_number("430522", date(1948, 2, 3), 14, True)
    data = samples.roster_workbook_bytes(
        [
            [
                1,
                "张建国",
                head,
                3,
                3,
                650,
                "13807390001",
                "城西社区3组",
                "酿溪镇",
                "城西社区",
                "2019.3",
                "农商银行",
                "6230001000000001",
                "刘桂兰、张伟",
                f"{wife}、{son}",
            ],
            [
                2,
                "李德林",
                single,
                1,
                1,
                "320.5",
                "",
                "城西社区5组",
                "酿溪镇",
                "城西社区",
                "2020年1月",
                "农商银行",
                "6230001000000002",
                "",
                "",
            ],
        ]
    )
    job, page = upload(client, data, "低保花名册.xlsx")
    job.refresh_from_db()
    assert job.result["status"] == "imported", job.result
    assert job.result["layout"] == "roster" and job.result["header_row"] == 3
    assert job.result["imported_households"] == 2 and job.result["imported_persons"] == 4
    assert any("合计行" in n for n in job.result["notices"]) and any("签字行" in n for n in job.result["notices"])
    household = Household.unscoped.get(head__id_number=head)
    assert household.area_code == VILLAGE_A and household.address == "城西社区3组"
    relations = dict(Membership.unscoped.filter(household=household).values_list("person__name", "relation"))
    assert relations == {"张建国": Relation.HEAD, "刘桂兰": Relation.OTHER_RELATIVE, "张伟": Relation.OTHER_RELATIVE}
    assert "其他亲属" in page.content.decode()


def test_roster_mistakes_are_reported_not_imported(client, clerk_a, villages):
    client.force_login(clerk_a)
    head = make_id_number("430522", date(1960, 4, 5), 21, True)
    other = make_id_number("430522", date(1970, 4, 5), 22, True)
    data = samples.roster_workbook_bytes(
        [
            [1, "张建国", 430522196004050000.0, 1, 1, 650, "", "城西社区3组", "酿溪镇", "城西社区", "", "", "", "", ""],
            [2, "李德林", head, 1, 1, "伍佰元", "", "城西社区5组", "酿溪镇", "城西社区", "3/4/2019", "", "", "", ""],
            [3, "王芳", other, 2, 2, 300, "", "城西社区6组", "酿溪镇", "城西社区", "", "", "", "", ""],
        ]
    )
    job, page = upload(client, data, "低保花名册.xlsx")
    job.refresh_from_db()
    html = page.content.decode()
    # 王芳's row lists the head only, with 家庭人口 2: normal for a roster, not an error
    assert job.result["bad_households"] == 2 and Person.unscoped.count() == 0
    assert "被Excel存成了数字" in html and "4.30522196004E+17" in html
    assert "伍佰元" in html and "应为500" in html
    assert "有歧义" in html
    assert "家庭人口填写为" not in html


def test_person_needs_the_capability(client, villages):
    from accounts.tests.factories import StaffFactory

    grid = StaffFactory(username="grid_a", roles=["grid_worker"])
    client.force_login(grid)
    assert client.get(HOME).status_code == 403


def test_job_runs_inside_the_starters_jurisdiction(clerk_a, villages):
    sheet = read_sheet(samples.template_workbook_bytes(good_rows(1, VILLAGE_B)), "x.xlsx")
    with within(__import__("areas.jurisdiction", fromlist=["scope_for_user"]).scope_for_user(clerk_a)):
        plan = check(sheet, default_area=clerk_a.area_code)
    assert plan.households[0].bad
    assert "不在您的辖区内" in plan.problems[0].message


def test_households_are_numbered_in_the_files_order_within_each_village(villages):
    # The file alternates between two villages; each village numbers its own households 1, 2, ...
    rows = []
    for key, village in enumerate([VILLAGE_B, VILLAGE_A, VILLAGE_B, VILLAGE_A], 1):
        rows += samples.household_rows(key, village, key)
    sheet = read_sheet(samples.template_workbook_bytes(rows), "台账.xlsx")
    with within(scope_for_area(VILLAGE_A[:6] + "000000")):
        plan = check(sheet, default_area=VILLAGE_A)
        assert not plan.problems, plan.problems
        write_households(plan.households, source="台账.xlsx")

    heads = {row["household_key"]: row["id_number"] for row in rows if row["relation"] == "户主"}
    numbers = dict(Household.unscoped.values_list("head__id_number", "number"))
    assert numbers == {
        heads[1]: f"{VILLAGE_B}00001",
        heads[2]: f"{VILLAGE_A}00001",
        heads[3]: f"{VILLAGE_B}00002",
        heads[4]: f"{VILLAGE_A}00002",
    }


def test_a_ledger_saved_by_excel_reads_as_the_template_we_hand_out(villages):
    """Excel and WPS keep text in a shared-strings table and a typed 户编号 as a number; our template
    (openpyxl, streamed) writes every cell inline. Both are the same ledger."""
    rows = good_rows(3)
    saved_by_excel = samples.excel_saved_bytes(rows)
    assert b"sharedStrings.xml" in saved_by_excel

    with within(scope_for_area(VILLAGE_A[:9] + "000")):
        saved = check(read_sheet(saved_by_excel, "台账.xlsx"), default_area=VILLAGE_A)
        handed_out = check(read_sheet(samples.template_workbook_bytes(rows), "台账.xlsx"), default_area=VILLAGE_A)
    assert not saved.problems and len(saved.households) == 3
    assert [(h.key, h.fields, [(p.name, p.id_number) for p in h.persons]) for h in saved.households] == [
        (h.key, h.fields, [(p.name, p.id_number) for p in h.persons]) for h in handed_out.households
    ]


def test_a_csv_cell_over_128_kb_is_refused_with_the_line_named_and_nothing_written(client, clerk_a, villages):
    client.force_login(clerk_a)
    data = samples.template_csv_bytes(good_rows(1)) + ("备注," + "长" * 140_000 + "\r\n").encode()
    job, _page = upload(client, data, "台账.csv")
    job.refresh_from_db()
    assert job.result["status"] == "unreadable"
    assert "128 KB" in job.result["message"] and "第" in job.result["message"]
    assert Person.unscoped.count() == 0
