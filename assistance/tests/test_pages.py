"""The staff and public pages render for the people who use them, keep to the jurisdiction, and
show only what a public list may show; PDFs come out as PDFs."""

from datetime import date

import pytest

from assistance.notice import latest_notice
from assistance.procedure import apply_for_assistance, pass_step
from assistance.survey import record_survey
from cases.models import ServiceItemVersion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]


@pytest.fixture
def at_notice(worker_a, clerk_a, reviewer_a, approver, wang_family):
    application = apply_for_assistance(
        user=worker_a, programme="dibao", household=wang_family, on_date=date(2025, 9, 22), authorisation_signed=True
    )
    on = date(2025, 9, 24)
    pass_step(user=worker_a, application=application, on_date=on)
    record_survey(
        user=clerk_a,
        application=application,
        visited_on=on,
        investigators=[{"name": "甲", "confirmed": True}, {"name": "乙", "confirmed": True}],
        income_items=[{"kind": "wages", "annual_amount": "7200"}],
    )
    for user in (clerk_a, approver, reviewer_a):
        pass_step(user=user, application=application, on_date=on)
    return application


def test_staff_pages_render_and_another_township_cannot_open_the_file(client, clerk_a, clerk_b, at_notice):
    client.force_login(clerk_a)
    for url in [
        "/assistance/",
        "/assistance/apply/?q=王秀兰",
        f"/assistance/{at_notice.pk}/",
        "/assistance/reviews/",
        "/assistance/spot-checks/",
        "/assistance/recipients/?programme=dibao",
        "/policy/",
    ]:
        assert client.get(url).status_code == 200, url
    page = client.get(f"/assistance/{at_notice.pk}/").content.decode()
    assert "月人均收入" in page and "200.00" in page  # 7200 ÷ 12 ÷ 3, with its working
    assert client.get("/assistance/?export=xlsx")["Content-Type"].startswith("application/vnd.openxml")
    pdf = client.get(f"/assistance/{at_notice.pk}/pdf/approval/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    client.force_login(clerk_b)
    assert client.get(f"/assistance/{at_notice.pk}/").status_code == 404


def test_public_notice_shows_only_masked_name_size_and_amount(client, at_notice):
    notice = latest_notice(at_notice)
    page = client.get(f"/assistance/public/notices/{notice.token}/").content.decode()
    assert "王*兰" in page and "王秀兰" not in page and wang_id(at_notice) not in page
    sheet = client.get("/assistance/public/village/430522100201/").content.decode()
    assert "王*兰" in sheet and "如有异议" in sheet


def wang_id(application):
    return application.household.head.id_number


def test_the_refusal_message_names_the_catalogues_notice_period(client, worker_a, at_notice):
    ServiceItemVersion.objects.filter(pk=at_notice.case.version_id).update(refusal_notice_wd=5)
    client.force_login(worker_a)
    response = client.post(
        f"/assistance/{at_notice.pk}/act/", {"action": "refuse", "text": "存款超过上限"}, follow=True
    )
    assert "请在5个工作日内书面告知申请人" in response.content.decode()
    at_notice.refresh_from_db()
    assert at_notice.decision == "refused" and at_notice.refusal_notice_due_on is not None
