"""One intake (issue 18 §3): a household has one open application per programme, whichever of the
two windows (一门受理 cases:accept, 社会救助 assistance:apply) accepted it; the second is refused with
a link to the first. Both windows find households as the registry search finds people."""

from datetime import date

import pytest

from assistance.casework import Application
from assistance.notice import latest_notice
from assistance.procedure import apply_for_assistance, pass_step
from assistance.survey import record_survey
from cases.models import Case
from cases.services import accept_application
from cases.tests.factories import item
from core.errors import DomainError
from registry.search import search_households
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

ON = date(2025, 9, 22)


def apply(user, household, programme="dibao", **extra):
    return apply_for_assistance(
        user=user, programme=programme, household=household, on_date=ON, authorisation_signed=True, **extra
    )


def test_a_dibao_case_from_the_one_window_desk_refuses_a_second_at_the_assistance_desk(worker_a, wang_family):
    first = accept_application(user=worker_a, item=item("dibao"), household=wang_family, on_date=ON).case
    with pytest.raises(DomainError) as error:
        apply(worker_a, wang_family)
    assert error.value.code == "open_application"
    assert first.receipt_no in error.value.message
    assert error.value.details["url"] == f"/cases/{first.pk}/"


def test_the_one_window_page_sends_a_dibao_to_the_assistance_form_with_the_household(client, worker_a, wang_family):
    client.force_login(worker_a)
    for response in (
        client.get(f"/cases/accept/?household={wang_family.pk}&item=dibao"),
        client.post("/cases/accept/", {"household": wang_family.pk, "item": "dibao", "applicant": wang_family.head_id}),
    ):
        assert response.status_code == 302
        assert response["Location"] == f"/assistance/apply/?programme=dibao&household={wang_family.pk}"
    assert not Case.objects.exists()  # no case without its assistance application


def test_every_assistance_case_from_a_one_window_path_has_its_application(worker_a, wang_family):
    """一门受理 guard: the desk, the API, a warning's or a grid event's 转化为申请 route a 社会救助 item
    through its own application; a means-tested one needs the authorisation only that form records."""
    with pytest.raises(DomainError) as error:
        accept_application(user=worker_a, item=item("dibao"), household=wang_family, on_date=ON, route_to_line=True)
    assert error.value.code == "authorisation_missing" and "授权书" in error.value.message
    assert error.value.details["url"] == f"/assistance/apply/?programme=dibao&household={wang_family.pk}"
    assert not Case.objects.exists()

    case = accept_application(
        user=worker_a, item=item("temp_emergency"), household=wang_family, on_date=ON, route_to_line=True
    ).case

    application = Application.objects.get(case=case)
    assert (application.programme, application.household, application.facts["source"]) == (
        "temporary_emergency",
        wang_family,
        "一门受理",
    )
    with pytest.raises(DomainError) as error:  # and one intake holds across both desks
        apply(worker_a, wang_family, programme="temporary_emergency")
    assert error.value.details["url"] == f"/assistance/{application.pk}/"


def test_the_assistance_page_refuses_a_second_with_a_link(client, worker_a, wang_family):
    first = apply(worker_a, wang_family)
    client.force_login(worker_a)
    page = client.post(
        "/assistance/apply/",
        {"household": wang_family.pk, "programme": "dibao", "authorisation": "on"},
    ).content.decode()
    assert "不能重复受理" in page and f'href="/assistance/{first.pk}/"' in page


def test_a_closed_application_does_not_block_a_new_one(worker_a, wang_family):
    from assistance.procedure import refuse_application

    first = apply(worker_a, wang_family)
    refuse_application(user=worker_a, application=first, on_date=ON, reason="申请人撤回")
    assert apply(worker_a, wang_family).pk != first.pk


def test_personal_programmes_are_one_per_person_not_per_household(worker_a, wang_family):
    from assistance.tests.factories import add_member

    son = add_member(wang_family, "李二宝", "20", date(2000, 1, 1), disability_grade=1, disability_type="4")
    wang_family.head.disability_grade, wang_family.head.disability_type = 2, "4"
    wang_family.head.save()
    apply(worker_a, wang_family, "disability_care", beneficiary=son)
    apply(worker_a, wang_family, "disability_care", beneficiary=wang_family.head)  # another person: accepted
    with pytest.raises(DomainError) as error:
        apply(worker_a, wang_family, "disability_care", beneficiary=son)
    assert error.value.code == "open_application" and "李二宝已有" in error.value.message


def test_the_window_search_finds_households_by_pinyin_initials_and_id_tail(worker_a, wang_family):
    HouseholdFactory(head__name="王小兰")
    head = wang_family.head
    for query in ("wangxiulan", "wxl", head.id_number[-4:], "秀兰", wang_family.number):
        assert wang_family in search_households(query), query


def test_both_window_pages_search_by_pinyin(client, worker_a, wang_family):
    client.force_login(worker_a)
    for url in ("/cases/accept/?q=wxl", "/assistance/apply/?q=wangxiulan"):
        assert f"household={wang_family.pk}" in client.get(url).content.decode(), url


def test_the_public_notice_shows_its_seven_days_counted_from_the_day_after_posting(
    client, worker_a, clerk_a, reviewer_a, approver, wang_family
):
    """§3 公示 (民法典 第201条): posted 24 Sep 2025, the seven days run from 25 Sep; the end moves past
    the National Day holidays to the next working day (第203条)."""
    application = apply(worker_a, wang_family)
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
    notice = latest_notice(application)
    page = client.get(f"/assistance/public/notices/{notice.token}/").content.decode()
    assert "公示期7天：2025年9月25日 至 2025年10月9日" in page and "2025年9月24日张贴" in page
