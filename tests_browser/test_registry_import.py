"""A township clerk imports a household ledger with a mistake in it: nothing is written, she sees the
reason, downloads the error workbook, fixes the ID and imports again; the persons then exist."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from areas.jurisdiction import system_scope
from registry.models import Household, Person
from registry.tests import samples
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

VILLAGE = "430522100201"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def clerk():
    ensure_area("430522000000", "新邵县")
    township = ensure_area("430522100000", "酿溪镇")
    ensure_area(VILLAGE, "城西社区")
    unit = UnitFactory(name="酿溪镇民政办", kind=Unit.Kind.TOWNSHIP_OFFICE, area_code=township.code)
    return StaffFactory(username="clerk_imp", full_name="李经办", unit=unit, roles=["clerk"])


def _ledger_rows(bad: bool) -> list[dict]:
    rows = samples.household_rows(1, VILLAGE, 1) + samples.household_rows(2, VILLAGE, 2, size=2)
    if bad:  # the wife's ID typed as a number: Excel shows 4.30522195303E+17 and the tail is lost
        rows[1] = rows[1] | {"id_number": float(rows[1]["id_number"][:15] + "000")}
    return rows


def _upload(page, live_server, data: bytes) -> None:
    page.goto(f"{live_server.url}/registry/import/")
    page.locator("#id_file").set_input_files({"name": "城西社区台账.xlsx", "mimeType": XLSX, "buffer": data})
    with page.expect_navigation():
        page.get_by_test_id("upload").click()


def test_clerk_fixes_the_ledger_from_the_error_workbook_and_imports(page, live_server, clerk):
    login(page, live_server, "clerk_imp", TEST_PASSWORD)
    good = _ledger_rows(bad=False)

    _upload(page, live_server, samples.template_workbook_bytes(_ledger_rows(bad=True)))
    expect(page.get_by_test_id("import-summary")).to_contain_text("共2户5人，其中有错误的1户")
    expect(page.get_by_test_id("problem-table")).to_contain_text("被Excel存成了数字")
    expect(page.get_by_test_id("import-valid-only")).to_contain_text("仅导入无错误的户（1户2人）")
    page.screenshot(path=SCREENSHOTS / "registry_import_errors.png", full_page=True)
    with system_scope():
        assert Person.objects.count() == 0  # a half-bad file writes nothing

    with page.expect_download() as download_info:
        page.get_by_test_id("error-download").click()
    download = download_info.value
    assert download.suggested_filename.endswith("_错误清单.xlsx")
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    sheet = workbook["错误标注"]
    header = [cell.value for cell in sheet[1]]
    assert "错误说明" in header
    assert "被Excel存成了数字" in sheet.cell(row=3, column=header.index("错误说明") + 1).value

    # She fixes the ID in her sheet and uploads it again.
    _upload(page, live_server, samples.template_workbook_bytes(good))
    expect(page.get_by_test_id("import-done")).to_contain_text("已导入 2 户 5 人")
    page.goto(f"{live_server.url}/registry/import/")
    expect(page.get_by_test_id("import-history")).to_contain_text("已导入")
    with system_scope():
        assert Household.objects.count() == 2
        assert set(Person.objects.values_list("id_number", flat=True)) == {row["id_number"] for row in good}
