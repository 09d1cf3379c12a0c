"""Monthly service lists of a funeral home and a cemetery: read with column mapping and the
organisation's preset, checked whole (Chinese row errors, nothing written on one bad line), then the
deaths (source 殡仪馆火化名单, one death whatever the number of sources), the services with their waiver
settled to the funeral home, and the eco burials with their reward paid to the family."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from funerals.importing import IGNORE
from funerals.models import Death, DeathFile, FuneralService, ServiceList
from funerals.service_lists import import_service_list, read_service_list, remembered_mapping
from ledger import services as ledger
from ledger.models import Enrolment
from payments import rolls
from payments.models import RollLine
from policy.programmes import Programme
from registry.services import register_death
from registry.tests.factories import HouseholdFactory, new_id_number

pytestmark = pytest.mark.django_db
COUNTY = "430522000000"
MARCH = date(2026, 3, 1)
HOME_HEADER = ["序号", "逝者姓名", "身份证号", "死亡日期", "火化日期", "接运费", "火化费", "骨灰盒费", "车牌号"]


def xlsx(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["新邵县殡仪馆2026年3月火化服务名单"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def resident(name, dibao=False):
    household = HouseholdFactory(area_code="430522100201", head__name=name)
    enrolment = None
    if dibao:
        enrolment = ledger.enrol(
            programme=Programme.DIBAO, household=household, monthly_amount=Decimal("500"), decided_on=date(2025, 1, 10)
        )
    return household.head, enrolment


def home_list(*people):
    return xlsx(
        HOME_HEADER,
        *(
            [n, p.name, p.id_number, "2026-03-02", "2026-03-04", 400, 500, 300, "湘E12345"]
            for n, p in enumerate(people, start=1)
        ),
    )


def read(data, organisation, mapping=None, name="名单.xlsx"):
    return read_service_list(data, name, organisation.kind, mapping)


def test_a_funeral_home_list_records_the_deaths_and_the_services_settled_monthly(approver, clerk_a, funeral_home):
    poor, dibao = resident("刘福生", dibao=True)
    plain, _ = resident("赵桂英")
    data = home_list(poor, plain)
    reading = read(data, funeral_home)
    assert reading.needs_mapping and [c["header"] for c in reading.describe() if c["unknown"]] == ["车牌号"]
    mapping = {"车牌号": IGNORE}
    reading = read(data, funeral_home, mapping)
    done = import_service_list(
        reading,
        organisation=funeral_home,
        month=MARCH,
        filename="名单.xlsx",
        user=approver,
        area_code=COUNTY,
        mapping=mapping,
    )
    assert (done.line_count, done.new_deaths, done.confirmations, done.services) == (2, 2, 0, 2)
    assert done.waiver_fen == 180000  # 300 + 500 for each, + 骨灰盒 200 for the 低保 family
    deaths = Death.objects.filter(person__in=[poor, plain])
    assert sorted(d.first_source for d in deaths) == ["funeral", "funeral"]
    dibao.refresh_from_db()
    assert dibao.status == Enrolment.Status.STOPPED  # the death service stopped the benefit
    assert DeathFile.objects.get(service_list=done).organisation == funeral_home
    # the funeral home's preset: its next list is read with the same choices, no mapping step
    assert remembered_mapping(funeral_home)["车牌号"] == IGNORE
    waiver = rolls.generate_roll(programme=Programme.FUNERAL_WAIVER, month=MARCH, area_code=COUNTY, user=clerk_a)
    lines = RollLine.objects.filter(roll=waiver)
    assert sorted(line.amount_fen for line in lines) == [80000, 100000]
    assert {line.payee_name for line in lines} == {"新邵县殡仪馆"}


def test_a_death_already_recorded_is_confirmed_and_never_stopped_twice(approver, funeral_home):
    person, enrolment = resident("王秀兰", dibao=True)
    register_death(person, died_on=date(2026, 3, 2), source="death", user=approver)
    done = import_service_list(
        read(home_list(person), funeral_home, {"车牌号": IGNORE}),
        organisation=funeral_home,
        month=MARCH,
        filename="名单.xlsx",
        user=approver,
        area_code=COUNTY,
    )
    assert (done.new_deaths, done.confirmations, done.services) == (0, 1, 1)
    death = Death.objects.get(person=person)
    assert (death.first_source, death.confirmations) == ("death", 1)
    assert enrolment.events.filter(kind="stopped").count() == 1


def test_a_cemetery_list_records_eco_burials_and_the_reward_goes_to_the_family(
    approver, clerk_a, funeral_home, cemetery
):
    cremated, _ = resident("李德明")
    buried_only, _ = resident("张桂兰")
    import_service_list(
        read(home_list(cremated), funeral_home, {"车牌号": IGNORE}),
        organisation=funeral_home,
        month=MARCH,
        filename="名单.xlsx",
        user=approver,
        area_code=COUNTY,
    )
    data = xlsx(
        ["逝者姓名", "身份证号", "死亡日期", "安葬方式", "安葬日期", "家属姓名", "开户银行", "银行账号"],
        [
            cremated.name,
            cremated.id_number,
            "2026-03-02",
            "树葬",
            "2026-03-10",
            "李小明",
            "邮储银行",
            "6210000000000001",
        ],
        [buried_only.name, buried_only.id_number, "2026-03-03", "传统墓葬", "2026-03-12", "", "", ""],
    )
    done = import_service_list(
        read(data, cemetery), organisation=cemetery, month=MARCH, filename="安葬.xlsx", user=approver, area_code=COUNTY
    )
    assert (done.line_count, done.burials, done.reward_fen, done.new_deaths, done.confirmations) == (2, 1, 100000, 1, 1)
    tree = FuneralService.objects.get(death__person=cremated)
    assert (tree.burial, tree.cemetery, tree.reward_fen, tree.waiver_fen) == ("tree", cemetery, 100000, 80000)
    assert FuneralService.objects.get(death__person=buried_only).reward_fen == 0
    reward = rolls.generate_roll(programme=Programme.ECO_BURIAL, month=MARCH, area_code=COUNTY, user=clerk_a)
    (line,) = RollLine.objects.filter(roll=reward)
    assert (line.payee_name, line.amount_fen) == ("李小明", 100000)


def test_one_bad_line_refuses_the_whole_list_with_every_problem_by_row(approver, funeral_home):
    good, _ = resident("刘福生")
    outsider = new_id_number(date(1950, 1, 1), True, "110101")
    data = xlsx(
        HOME_HEADER[:-1],
        [1, good.name, good.id_number, "2026-03-02", "2026-03-04", 400, 500, 0],
        [2, "外县人", outsider, "2026-03-02", "2026-03-04", 400, 500, 0],
        [3, "钱七", "43052219900101123", "2026-03-02", "2026-03-01", "五百元", 500, 0],
    )
    reading = read(data, funeral_home)
    messages = [message for row, message in reading.problems if row == 5]
    assert any("身份证" in m for m in messages) and any("汉字金额" in m for m in messages), messages
    assert "服务（火化）日期早于死亡日期" in messages
    assert {row for row, _ in reading.problems} == {5}
    with pytest.raises(Exception, match="未导入任何数据"):
        import_service_list(
            reading, organisation=funeral_home, month=MARCH, filename="名单.xlsx", user=approver, area_code=COUNTY
        )
    only_unknown = read(
        xlsx(HOME_HEADER[:-1], [2, "外县人", outsider, "2026-03-02", "2026-03-04", 400, 500, 0]),
        funeral_home,
    )
    with pytest.raises(Exception, match="未导入任何数据"):
        import_service_list(
            only_unknown, organisation=funeral_home, month=MARCH, filename="名单.xlsx", user=approver, area_code=COUNTY
        )
    assert "居民档案中找不到" in dict(only_unknown.problems)[3]
    assert not ServiceList.objects.exists() and not Death.objects.exists() and not FuneralService.objects.exists()


def test_the_list_pages_map_check_import_and_export(client, approver, funeral_home):
    person, _ = resident("刘福生")
    client.force_login(approver)
    upload = {
        "step": "upload",
        "organisation": funeral_home.pk,
        "month": "2026-03",
        "file": SimpleUploadedFile("三月名单.xlsx", home_list(person)),
    }
    page = client.post("/funerals/lists/new/", upload)
    assert page.status_code == 200 and "车牌号" in page.content.decode()
    form = page.context
    posted = {"step": "mapping", "token": form["token"], **form["meta"]}
    for n, column in enumerate(form["columns"]):
        posted[f"header_{n}"] = column["header"]
        posted[f"map_{n}"] = column["key"] or IGNORE
    done = client.post("/funerals/lists/new/", posted, follow=True)
    text = done.content.decode()
    assert "新登记死亡1人" in text and "减免800.00元" in text
    assert client.get("/funerals/lists/").status_code == 200
    assert client.get("/funerals/lists/?export=xlsx")["Content-Type"].startswith("application/vnd.openxml")
    detail = ServiceList.objects.get()
    assert client.get(f"/funerals/lists/{detail.pk}/?export=xlsx").status_code == 200
    again = client.post(
        "/funerals/lists/new/", {**upload, "file": SimpleUploadedFile("三月名单.xlsx", home_list(person))}
    )
    assert again.status_code == 400 and "请勿重复报送" in again.content.decode()  # preset applied: no mapping step


def test_a_list_from_an_organisation_that_is_not_a_funeral_home_or_cemetery_is_a_chinese_400(client, approver):
    client.force_login(approver)
    page = client.post(
        "/funerals/lists/new/",
        {"step": "mapping", "token": "x.csv", "organisation": "", "month": "2026-03", "filename": "a.csv"},
    )
    assert page.status_code == 400 and "请重新选择殡仪馆或公墓" in page.content.decode()
