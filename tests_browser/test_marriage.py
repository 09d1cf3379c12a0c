"""婚姻登记 end to end in a real browser, as the county's registrar works it: a couple from Guangdong
and Sichuan registers a marriage at 新邵 (全国通办) and gets a printed certificate; a divorce is
applied for and one party withdraws it within the cooling-off; another divorce is deemed withdrawn
by the scheduler's job the day after the 30 days to appear (the job is called with that date)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from cases.models import Case
from cases.tests.factories import restore_reference_data
from jobs.periodic import periodic
from marriage import services
from marriage.models import DivorceApplication, MarriageRecord
from registry.idcard import make_id_number
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser


def party(name, area6, born, male, n):
    return services.PartyInput(
        id_number=make_id_number(area6, born, n, male),
        name=name,
        declared_no_spouse=True,
        declared_no_kinship=True,
        declared_voluntary=True,
    )


@pytest.fixture
def office():
    restore_reference_data()
    from policy.defaults import CIVIL_CODE_DOCUMENT, MARRIAGE_DEFAULTS, MARRIAGE_EFFECTIVE_FROM
    from policy.models import PolicyDocument, PolicyParameter

    document, _ = PolicyDocument.objects.get_or_create(
        number=CIVIL_CODE_DOCUMENT["number"], defaults=CIVIL_CODE_DOCUMENT
    )
    for key, value in MARRIAGE_DEFAULTS.items():
        PolicyParameter.objects.get_or_create(
            area_code="",
            key=str(key),
            effective_from=MARRIAGE_EFFECTIVE_FROM,
            defaults={"value": value, "document": document},
        )
    ensure_area("430522000000", "新邵县")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    return StaffFactory(username="registrar", full_name="李秀英", unit=bureau, roles=["registrar"])


def test_marriage_certificate_then_divorces_withdrawn_and_deemed_withdrawn(page, live_server, office):
    registrar = office
    today = timezone.localdate()
    # Two couples married earlier (registered through the service, as the register already holds them).
    earlier = [
        services.register_marriage(
            user=registrar,
            first=party(m, "430522", date(1990, 1, 1), True, 10 + i),
            second=party(w, "430503", date(1992, 1, 1), False, 20 + i),
            on_date=date(2024, 5, 20),
        ).record
        for i, (m, w) in enumerate([("陈浩", "周敏"), ("李强", "赵雪")])
    ]

    page.context.clear_cookies()
    login(page, live_server, "registrar", TEST_PASSWORD)

    # 1. A couple from Guangzhou and Chengdu registers at the county office.
    page.goto(f"{live_server.url}/marriage/")
    page.get_by_test_id("marriage-new").click()
    man = party("王磊", "440106", date(1996, 3, 12), True, 1)
    woman = party("刘婷", "510104", date(1998, 7, 2), False, 2)
    for prefix, p in (("a", man), ("b", woman)):
        page.fill(f"#id_{prefix}-name", p.name)
        page.fill(f"#id_{prefix}-id_number", p.id_number)
        for box in ("declared_no_spouse", "declared_no_kinship", "declared_voluntary"):
            page.check(f"#id_{prefix}-{box}")
    page.get_by_test_id("marriage-submit").click()
    expect(page.get_by_test_id("record-number")).to_contain_text(f"J430522-{today.year}-")
    record = MarriageRecord.objects.get(man_name="王磊")
    assert record.woman_name == "刘婷" and record.office_name == "新邵县民政局"

    # ... and gets a printed certificate with both parties and the number.
    page.get_by_test_id("print-certificate").first.click()
    certificate = page.get_by_test_id("certificate")
    expect(certificate).to_contain_text("结婚证")
    expect(certificate).to_contain_text("王磊")
    expect(certificate).to_contain_text(woman.id_number)
    expect(page.get_by_test_id("certificate-number")).to_contain_text(record.number)
    expect(page.get_by_test_id("print-button")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "marriage_certificate.png"), full_page=True)

    # 2. A divorce is applied for (陈浩、周敏); 周敏 withdraws within the cooling-off.
    page.goto(f"{live_server.url}/marriage/records/{earlier[0].pk}/")
    page.fill("#id_agreement", "无共同子女，财产各自所有")
    page.check("#id_agreement_signed")
    page.check("#id_both_present")
    page.get_by_test_id("divorce-apply").click()
    expect(page.get_by_test_id("divorce-status")).to_have_text("冷静期")
    first = DivorceApplication.objects.get(marriage=earlier[0])
    expect(page.get_by_test_id("cooling-off-ends")).to_have_text(f"{first.cooling_off_ends_on:%Y-%m-%d}")
    assert first.cooling_off_ends_on >= today + timedelta(days=30)
    page.select_option("#id_party", "woman")
    page.fill("#id_reason", "双方和好")
    page.get_by_test_id("withdraw").click()
    expect(page.get_by_test_id("divorce-status")).to_contain_text("已撤回")
    expect(page.get_by_test_id("timeline")).to_contain_text("周敏在冷静期内撤回离婚登记申请")

    # 3. Another divorce (李强、赵雪) is applied for; nobody appears; the scheduler's job, run the day
    #    after the 30 days to appear, deems it withdrawn and says so.
    page.goto(f"{live_server.url}/marriage/records/{earlier[1].pk}/")
    page.fill("#id_agreement", "一子由女方抚养")
    page.check("#id_agreement_signed")
    page.check("#id_both_present")
    page.get_by_test_id("divorce-apply").click()
    expect(page.get_by_test_id("divorce-status")).to_have_text("冷静期")
    second = DivorceApplication.objects.get(marriage=earlier[1])
    job = periodic("marriage.close_lapsed_divorces")
    assert job.run(second.appear_by)["视为撤回"] == 0
    assert job.run(second.appear_by + timedelta(days=1))["视为撤回"] == 1
    page.reload()
    expect(page.get_by_test_id("divorce-status")).to_contain_text("视为撤回")
    expect(page.get_by_test_id("timeline")).to_contain_text("视为撤回申请")
    expect(page.get_by_test_id("timeline")).to_contain_text("第一千零七十七条")
    assert Case.objects.get(pk=second.case_id).status == Case.Status.WITHDRAWN
    page.screenshot(path=str(SCREENSHOTS / "marriage_deemed_withdrawn.png"), full_page=True)

    # The register lists all three marriages, still in force, ID numbers masked.
    page.goto(f"{live_server.url}/marriage/")
    expect(page.get_by_test_id("record-link")).to_have_count(3)
    expect(page.locator("main")).not_to_contain_text(man.id_number)
