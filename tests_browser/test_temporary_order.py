"""临时救助 paid the same day by the bank, in the browser at 375 px: the approver
chooses 银行即时支付（一次性支付单）, the order appears on the application with its state and its bank
file, and in the payments list among the rolls."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}
WIDTH = "() => ({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"


@pytest.fixture
def emergency(worker_a, reviewer_a, approver, clerk_a):
    from assistance.procedure import apply_for_assistance, pass_step
    from cases.tests.factories import give_documents, restore_reference_data
    from payments import funds
    from payments.tests.factories import household
    from policy.demo import load_demo_policy
    from policy.programmes import Programme
    from policy.tests.factories import restore_national_defaults

    restore_reference_data()
    restore_national_defaults()
    load_demo_policy()
    today = timezone.localdate()
    account = funds.open_account(
        programme=Programme.TEMPORARY_EMERGENCY, level="township", year=today.year, area_code="430522100000"
    )
    funds.post_entry(
        account, kind="budget_received", amount="20000", document_reference="邵财社1号", idempotency_key="b"
    )
    h = household(name="周火生")
    give_documents(h, ["id_card"])
    application = apply_for_assistance(
        user=worker_a,
        programme=Programme.TEMPORARY_EMERGENCY,
        household=h,
        on_date=date(2025, 9, 22),
        facts={"requested_amount": "1500", "reason": "房屋失火"},
    )
    pass_step(user=worker_a, application=application, on_date=date(2025, 9, 22))
    pass_step(user=reviewer_a, application=application, on_date=date(2025, 9, 22))
    return application


def test_the_approver_pays_by_order_on_a_phone_and_the_order_is_listed(page, live_server, emergency):
    page.set_viewport_size(PHONE)
    login(page, live_server, "approver", TEST_PASSWORD)
    page.goto(f"{live_server.url}/assistance/{emergency.pk}/")
    page.get_by_test_id("payment-method").select_option("order")
    page.get_by_test_id("decision-text").fill("同意，急难情形当日支付")
    with page.expect_navigation():
        page.get_by_test_id("confirm").click()
    expect(page.locator(".alert-success").first).to_contain_text("已开具一次性支付单")
    expect(page.get_by_test_id("order-state")).to_contain_text("已开具，待银行回盘")
    expect(page.get_by_test_id("order-bank-file")).to_be_visible()
    width = page.evaluate(WIDTH)
    assert width["scroll"] <= width["view"], width  # no sideways scrolling at 375 px
    page.screenshot(path=str(SCREENSHOTS / "temporary-order-375.png"), full_page=True)

    page.goto(f"{live_server.url}/payments/rolls/?kind=order")
    expect(page.get_by_test_id("roll-kind").first).to_contain_text("一次性支付单")
    expect(page.get_by_test_id("roll-kind").first).to_contain_text("待银行回盘")
    with page.expect_navigation():
        page.get_by_test_id("roll-link").first.click()
    expect(page.get_by_test_id("order-badge")).to_have_text("银行即时支付")
