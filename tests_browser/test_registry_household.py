"""A township clerk registers a household of four with a document, then finds it again by the
pinyin initials of the head's name in the one search box."""

from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from registry.idcard import make_id_number
from registry.models import DocumentType, Household
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FAMILY = [
    ("刘建国", make_id_number("430522", date(1975, 2, 3), 21, True), "02"),
    ("周丽", make_id_number("430522", date(1977, 6, 9), 22, False), "12"),
    ("刘子涵", make_id_number("430522", date(2005, 9, 1), 23, True), "20"),
    ("刘雨桐", make_id_number("430522", date(2010, 12, 24), 24, False), "30"),
]


@pytest.fixture
def clerk():
    ensure_area("430522000000", "新邵县")
    township = ensure_area("430522100000", "酿溪镇")
    ensure_area("430522100201", "城西社区")
    # Reference rows from data migrations are gone after a transactional test's flush: put them back.
    DocumentType.objects.get_or_create(
        code="household_booklet", defaults={"name": "户口簿", "holder": DocumentType.Holder.HOUSEHOLD}
    )
    DocumentType.objects.get_or_create(
        code="id_card", defaults={"name": "居民身份证", "holder": DocumentType.Holder.PERSON, "has_validity": True}
    )
    unit = UnitFactory(name="酿溪镇民政办", kind=Unit.Kind.TOWNSHIP_OFFICE, area_code=township.code)
    return StaffFactory(username="clerk_reg", full_name="李经办", unit=unit, roles=["clerk"])


def test_clerk_registers_a_household_of_four_and_finds_it_by_pinyin_initials(page, live_server, clerk):
    login(page, live_server, "clerk_reg", TEST_PASSWORD)
    page.get_by_role("button", name="居民档案").click()  # the menu group opens as a dropdown
    page.get_by_role("link", name="家庭户", exact=True).first.click()
    page.get_by_test_id("new-household").click()
    expect(page.get_by_test_id("page-title")).to_have_text("登记新户")

    page.select_option("#id_area", label="　城西社区（430522100201）")
    page.fill("#id_address", "新邵县酿溪镇城西社区建设路8号")
    page.select_option("#id_kind", "urban")
    page.fill("#id_phone", "13907391234")
    page.fill("#id_bank_name", "邵阳农商银行")
    page.fill("#id_bank_account_name", "刘建国")
    page.fill("#id_bank_account", "6230901234567890")
    for index, (name, id_number, relation) in enumerate(FAMILY):
        page.fill(f"#id_members-{index}-name", name)
        page.fill(f"#id_members-{index}-id_number", id_number)
        if index:
            page.select_option(f"#id_members-{index}-relation", relation)
    # One more row through htmx, left empty: spare rows are ignored.
    page.get_by_test_id("add-member").click()
    expect(page.locator("#id_members-4-name")).to_be_visible()
    expect(page.locator("#id_members-TOTAL_FORMS")).to_have_value("5")
    page.get_by_test_id("save-household").click()

    expect(page.get_by_test_id("member-table").locator("tbody tr")).to_have_count(4)
    expect(page.get_by_test_id("bank-account")).to_have_text("****7890")
    household = Household.objects.get(head__name="刘建国")

    page.locator("summary", has_text="采集材料").click()
    page.select_option("#id_doc_type", label="户口簿")
    page.fill("#id_number", "430522100201-0088")
    page.fill("#id_issued_by", "新邵县公安局")
    page.set_input_files("#id_file", {"name": "户口簿.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_test_id("upload-document").click()
    expect(page.get_by_test_id("document-table")).to_contain_text("户口簿")
    expect(page.get_by_test_id("timeline")).to_contain_text("采集户口簿")

    # Later: find the family again by the head's pinyin initials.
    page.get_by_role("button", name="居民档案").click()
    page.get_by_role("link", name="居民", exact=True).first.click()
    page.fill("#id_q", "ljg")
    expect(page.get_by_test_id("person-table")).to_contain_text("刘建国")
    expect(page.get_by_test_id("person-table")).not_to_contain_text("周丽")
    expect(page.get_by_test_id("person-table")).not_to_contain_text(FAMILY[0][1])  # masked
    page.get_by_test_id("person-link").filter(has_text="刘建国").click()
    expect(page.get_by_test_id("page-title")).to_contain_text("刘建国")
    page.get_by_test_id("household-link").click()
    expect(page).to_have_url(f"{live_server.url}/registry/households/{household.pk}/")
    expect(page.get_by_test_id("member-table")).to_contain_text("刘雨桐")
    page.screenshot(path=SCREENSHOTS / "registry_household_of_four.png", full_page=True)
