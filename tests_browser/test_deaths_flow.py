"""Deaths and persons not yet identified (issue 21 §1, §3, §4), in a real browser:

- a death from a funeral home's cremation list (with a column the clerk chooses not to import) stops a
  低保 recipient's benefit once, with one timeline note; the police file reporting the same death a
  moment later only confirms it;
- the rescue station records a person found without papers (photo, features), identifies them two days
  later against the registry and merges the record; the person's page shows both histories.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from cases.models import CaseEvent
from cases.tests.factories import restore_reference_data
from ledger import services as ledger
from ledger.models import Enrolment
from policy.programmes import Programme
from policy.tests.factories import local_amounts, restore_national_defaults
from registry.models import Organisation, UnidentifiedPerson
from registry.tests.factories import HouseholdFactory, OrganisationFactory, PersonFactory
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser
COUNTY, TOWNSHIP, VILLAGE = "430522000000", "430522100000", "430522100201"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"


@pytest.fixture
def county():
    restore_reference_data()
    restore_national_defaults()
    local_amounts()
    ensure_area(COUNTY, "新邵县")
    ensure_area(TOWNSHIP, "酿溪镇")
    ensure_area(VILLAGE, "城西社区")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code=COUNTY)
    township = UnitFactory(name="酿溪镇民政办", area_code=TOWNSHIP, parent=bureau)
    StaffFactory(username="clerk_d", full_name="李经办", unit=township, roles=["clerk"])
    StaffFactory(username="approver_d", full_name="刘审批", unit=bureau, roles=["approver"])
    StaffFactory(username="jiuzhu_d", full_name="王救助", unit=bureau, roles=["rescue_officer"])
    return bureau


def test_a_cremation_list_stops_a_benefit_once_and_the_police_file_only_confirms(page, live_server, county, tmp_path):
    home = OrganisationFactory(kind=Organisation.Kind.FUNERAL_HOME, name="新邵县殡仪馆", area_code=COUNTY)
    h = HouseholdFactory(
        area_code=VILLAGE, head__name="刘福生", bank_name="农商银行", bank_account="6221580000000000001"
    )
    enrolment = ledger.enrol(
        programme=Programme.DIBAO, household=h, monthly_amount=Decimal("500"), decided_on=date(2025, 1, 10)
    )
    person = h.head
    died = timezone.localdate() - timedelta(days=3)
    cremations = tmp_path / "火化名单.csv"
    cremations.write_text(
        f"序号,姓名,身份证号,死亡日期,火化日期,承办人\n1,{person.name},{person.id_number},{died},{died},老周\n",
        encoding="utf-8",
    )
    police = tmp_path / "公安死亡人员.csv"
    police.write_text(f"姓名,公民身份号码,死亡时间\n{person.name},{person.id_number},{died}\n", encoding="utf-8")

    login(page, live_server, "approver_d", TEST_PASSWORD)
    page.goto(f"{live_server.url}/funerals/")
    page.get_by_test_id("import-deaths").click()
    page.select_option("#id_kind", "funeral")
    page.select_option("#id_organisation", str(home.pk))
    page.fill("#id_month", f"{died:%Y-%m}")
    page.set_input_files("#id_file", str(cremations))
    page.get_by_test_id("upload").click()
    # a column nobody knows is never dropped silently: the clerk chooses
    page.get_by_test_id("map-承办人").select_option("__ignore__")
    page.get_by_test_id("apply-mapping").click()
    expect(page.get_by_test_id("new-deaths")).to_have_text("1")
    page.screenshot(path=str(SCREENSHOTS / "deaths-cremation-file.png"), full_page=True)

    page.goto(f"{live_server.url}/funerals/files/new/")
    page.select_option("#id_kind", "death")
    page.fill("#id_month", f"{died:%Y-%m}")
    page.set_input_files("#id_file", str(police))
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("new-deaths")).to_have_text("0")
    expect(page.get_by_test_id("file-confirmations")).to_have_text("1")

    page.goto(f"{live_server.url}/funerals/")
    expect(page.get_by_test_id("confirmations")).to_have_text("其他来源确认 1 次")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.STOPPED
    assert enrolment.events.filter(kind="stopped").count() == 1
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE, data__death_of=person.pk).count() == 1


def test_an_unidentified_person_is_recorded_identified_two_days_later_and_merged(page, live_server, county):
    found = timezone.localdate() - timedelta(days=2)
    person = PersonFactory(name="周桂香", sex="F", birth_date=date(1956, 4, 2), area_code=VILLAGE)

    login(page, live_server, "jiuzhu_d", TEST_PASSWORD)
    page.goto(f"{live_server.url}/rescue/")
    page.get_by_test_id("unidentified-new").click()
    page.fill("#id_found_on", found.isoformat())
    page.fill("#id_found_place", "资江大桥下")
    page.fill("#id_found_by", "群众拨打110")
    page.select_option("#id_sex", "F")
    page.fill("#id_estimated_age", "70")
    page.fill("#id_features", "短发，左手背有疤，说邵阳话")
    page.set_input_files("#id_photo", files=[{"name": "photo.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_test_id("save-unidentified").click()
    expect(page.get_by_test_id("unidentified")).to_contain_text("资江大桥下")
    row = UnidentifiedPerson.objects.get()
    assert row.photo and row.found_on == found

    # two days later the family names her: search the registry and merge
    page.get_by_test_id("search-name").fill("周桂香")
    page.get_by_test_id("search").click()
    page.get_by_test_id(f"how-{person.pk}").fill("女儿到站辨认")
    page.get_by_test_id(f"identify-{person.pk}").click()
    expect(page.get_by_test_id("identified")).to_contain_text("周桂香")
    page.screenshot(path=str(SCREENSHOTS / "deaths-unidentified-merged.png"), full_page=True)

    page.goto(f"{live_server.url}/registry/persons/{person.pk}/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text(f"以身份不明人员登记：{row.number}")
    expect(timeline).to_contain_text("并入本档案")
    expect(timeline).to_contain_text("救助管理站入站")
