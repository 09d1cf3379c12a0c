"""低保 end to end in a real browser: the 民生员 accepts 王秀兰's household (her working son is left
out by the 共同生活 rules), the township surveys it with two investigators, the county verifies,
the township reviews, the village notice gets an anonymous objection from the public page, the
township holds a 民主评议 and re-runs the notice, the notice ends, the county confirms and the
household appears on the recipient list and the long-term publication list."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from assistance.casework import Application, PublicNotice
from cases.models import CaseStep
from cases.tests.factories import give_documents, restore_reference_data
from policy.demo import load_demo_policy
from registry.models import Membership
from registry.tests.factories import HouseholdFactory, PersonFactory
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

VILLAGE = "430522100201"
DOCS = ["id_card", "household_booklet", "application_form", "verification_authorization", "income_proof", "bank_card"]


@pytest.fixture
def county():
    restore_reference_data()
    importlib_defaults()
    load_demo_policy()
    ensure_area("430522000000", "新邵县")
    ensure_area("430522100000", "酿溪镇")
    ensure_area(VILLAGE, "城西社区")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    township = UnitFactory(name="酿溪镇民政办", area_code="430522100000", parent=bureau, phone="0739-3621234")
    village = UnitFactory(name="城西社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE, parent=township)
    StaffFactory(username="ms_zhao", full_name="赵民生", unit=village, roles=["livelihood_worker"])
    StaffFactory(username="jb_li", full_name="李经办", unit=township, roles=["clerk"])
    StaffFactory(username="sh_huang", full_name="黄审核", unit=township, roles=["reviewer"])
    StaffFactory(username="sp_liu", full_name="刘审批", unit=bureau, roles=["approver"])
    household = HouseholdFactory(
        area_code=VILLAGE, head__name="王秀兰", head__sex="F", head__birth_date=date(1978, 3, 2), phone="13807390001"
    )
    for name, relation, born in [
        ("李建国", "11", date(1976, 8, 9)),
        ("李小雨", "30", date(2012, 4, 1)),
        ("李大山", "20", date(1999, 1, 5)),
    ]:
        person = PersonFactory(name=name, birth_date=born, area_code=VILLAGE)
        Membership.objects.create(
            household=household, person=person, relation=relation, start_date=date(2020, 1, 1), area_code=VILLAGE
        )
    give_documents(household, DOCS)
    from registry.models import Document, DocumentType

    for membership in household.current_memberships().exclude(person=household.head):
        for doc_type in DocumentType.objects.filter(code__in=DOCS, holder=DocumentType.Holder.PERSON):
            Document.objects.create(
                doc_type=doc_type,
                number=f"{doc_type.code}-{membership.person_id}",
                person=membership.person,
                area_code=VILLAGE,
            )
    return household


def importlib_defaults():
    """The national defaults come from a data migration, which a transactional test's flush removes."""
    import importlib

    from django.apps import apps

    from policy.models import PolicyParameter

    if not PolicyParameter.objects.filter(area_code="").exists():
        importlib.import_module("assistance.migrations.0002_national_defaults").load(apps, None)


def as_user(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, TEST_PASSWORD)


def open_file(page, live_server, application):
    page.goto(f"{live_server.url}/assistance/{application.pk}/")


def pass_step(page, opinion):
    page.get_by_test_id("pass-text").fill(opinion)
    page.get_by_test_id("pass-step").click()


def test_dibao_from_acceptance_through_an_objection_to_enrolment(page, live_server, county):
    # 1. The 民生员 accepts at the village window; the household is assembled from the registry.
    as_user(page, live_server, "ms_zhao")
    page.goto(f"{live_server.url}/assistance/apply/?programme=dibao")
    page.get_by_test_id("household-q").fill("王秀兰")
    page.get_by_test_id("household-search").click()
    page.get_by_test_id("pick-household").first.click()
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_role("alert").first).to_contain_text("核对授权书")
    page.get_by_test_id("authorisation").check()
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("covered")).to_have_text("3")
    expect(page.get_by_test_id("composition")).to_contain_text("李大山：不计入——已成年且不在校")
    application = Application.objects.get()
    pass_step(page, "材料齐全")
    expect(page.get_by_test_id("step-investigate")).to_contain_text("办理中")

    # 2. The township surveys: two investigators who signed, wages and a scholarship.
    as_user(page, live_server, "jb_li")
    open_file(page, live_server, application)
    page.get_by_test_id("inv-name-0").fill("李经办")
    page.get_by_test_id("inv-confirmed-0").check()
    page.get_by_test_id("inv-name-1").fill("赵民生")
    page.get_by_test_id("inv-confirmed-1").check()
    page.get_by_test_id("income-kind-0").select_option("wages")
    page.get_by_test_id("income-amount-0").fill("7200")
    page.get_by_test_id("income-kind-1").select_option("scholarship")
    page.get_by_test_id("income-amount-1").fill("1000")
    page.get_by_test_id("nb-name-0").fill("邻居张大爷")
    page.get_by_test_id("deposits").fill("2000")
    page.get_by_test_id("survey-submit").click()
    expect(page.get_by_test_id("per-capita")).to_have_text("200.00")
    expect(page.get_by_test_id("proposed")).to_have_text("810.00")
    expect(page.get_by_test_id("working")).to_contain_text("不计入：奖学金、助学金")
    pass_step(page, "调查属实")

    # 3. County verification, township first review: the notice goes up in the village.
    as_user(page, live_server, "sp_liu")
    open_file(page, live_server, application)
    pass_step(page, "信息核对无异常")
    as_user(page, live_server, "sh_huang")
    open_file(page, live_server, application)
    pass_step(page, "初审同意")
    expect(page.get_by_test_id("notice-status-1")).to_have_text("公示中")
    notice = PublicNotice.unscoped.get(round=1)

    # 4. A neighbour objects anonymously on the public page (no login); the name is masked.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/assistance/public/notices/{notice.token}/")
    expect(page.get_by_test_id("notice-name")).to_have_text("王*兰")
    expect(page.get_by_test_id("notice-table")).not_to_contain_text("王秀兰")
    page.get_by_test_id("objection-content").fill("其子李大山在外务工，收入较高")
    page.get_by_test_id("objection-anonymous").check()
    page.get_by_test_id("objection-submit").click()
    expect(page.get_by_role("alert").first).to_contain_text("您的意见已收到")

    # 5. The notice cannot end while the objection is open, even once the days have run.
    seven_days_later(application)
    as_user(page, live_server, "ms_zhao")
    open_file(page, live_server, application)
    expect(page.get_by_test_id("notice-status-1")).to_have_text("有异议，待复查")
    pass_step(page, "公示期满")
    expect(page.get_by_role("alert").first).to_contain_text("公示期间收到异议")

    # 6. The township holds a 民主评议, records the outcome and re-runs the notice.
    as_user(page, live_server, "jb_li")
    open_file(page, live_server, application)
    page.get_by_test_id("appraisal-participants").fill("9")
    page.get_by_test_id("appraisal-agree").fill("8")
    page.get_by_test_id("appraisal-disagree").fill("1")
    page.get_by_test_id("appraisal-text").fill("李大山已成年，长期在外务工，不计入共同生活家庭成员")
    page.get_by_test_id("appraisal-submit").click()
    page.get_by_test_id("resolution").select_option("appraised")
    page.get_by_test_id("objection-outcome").select_option("rejected")
    page.get_by_test_id("resolve-text").fill("异议不成立")
    page.get_by_test_id("resolve").click()
    page.get_by_test_id("rerun-text").fill("民主评议后同意")
    page.get_by_test_id("rerun").click()
    expect(page.get_by_test_id("notice-status-2")).to_have_text("公示中")
    expect(page.get_by_test_id("notice-status-1")).to_have_text("已重新公示")

    # 7. The village prints the notice for the board; seven days later it ends without objection.
    as_user(page, live_server, "ms_zhao")
    open_file(page, live_server, application)
    page.get_by_test_id("print-notice").click()
    expect(page.get_by_test_id("notice-wording")).to_contain_text("如有异议，请于公示期内向酿溪镇民政办反映")
    page.screenshot(path=str(SCREENSHOTS / "dibao_public_notice.png"), full_page=True)
    seven_days_later(application)
    open_file(page, live_server, application)
    pass_step(page, "公示期满无异议")
    expect(page.get_by_test_id("step-confirm")).to_contain_text("办理中")

    # 8. The county confirms: enrolled from next month.
    as_user(page, live_server, "sp_liu")
    open_file(page, live_server, application)
    page.get_by_test_id("decision-text").fill("准予")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("enrolled")).to_contain_text("810.00")
    expect(page.get_by_test_id("case-status")).to_have_text("已办结（准予）")
    response = page.request.get(f"{live_server.url}/assistance/{application.pk}/pdf/decision/")
    assert response.headers["content-type"] == "application/pdf" and response.body()[:4] == b"%PDF"

    page.goto(f"{live_server.url}/assistance/recipients/?programme=dibao")
    expect(page.get_by_test_id("recipients")).to_contain_text("王秀兰")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/assistance/public/publication/430522000000/")
    expect(page.get_by_test_id("publication")).to_contain_text("王*兰")
    expect(page.get_by_test_id("publication")).not_to_contain_text("王秀兰")


def seven_days_later(application):
    """The browser cannot wait a week: move the running notice's period back so it ended yesterday
    (a notice is passed from the day after its last day)."""
    yesterday = timezone.localdate() - timedelta(days=1)
    step = CaseStep.objects.get(case=application.case, definition__kind="notice")
    shift = (step.due_on - yesterday) if step.due_on else timedelta(0)
    CaseStep.objects.filter(pk=step.pk).update(due_on=yesterday, started_on=step.started_on - shift)
    PublicNotice.unscoped.filter(application=application, status__in=["running", "objected"]).update(ends_on=yesterday)
