"""公示期满: the scheduler's daily run takes a notice down from the public page the day after its
last day, says so on the case, and leaves a notice with an objection alone."""

from datetime import date

import pytest

from assistance.casework import PublicNotice
from assistance.notice import latest_notice, lodge_objection, running_notices_for
from assistance.periodic import end_notices_daily
from assistance.tests.test_dibao_procedure import accept, to_notice
from cases.models import CaseEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]


def test_a_notice_comes_down_the_day_after_its_period_and_an_objected_one_stays(
    worker_a, clerk_a, reviewer_a, approver, wang_family
):
    application = accept(worker_a, wang_family)
    to_notice(worker_a, clerk_a, reviewer_a, approver, application)
    notice = latest_notice(application)
    assert notice.ends_on == date(2025, 10, 9)
    village = notice.area_code[:12]
    assert end_notices_daily(date(2025, 10, 9)) == {"公示期满撤下": 0, "有异议待处理": 0}  # its last day
    assert notice in running_notices_for(village, date(2025, 10, 9))
    assert end_notices_daily(date(2025, 10, 10)) == {"公示期满撤下": 1, "有异议待处理": 0}
    assert PublicNotice.objects.get(pk=notice.pk).status == PublicNotice.Status.COMPLETED
    assert notice not in running_notices_for(village, date(2025, 10, 10))
    assert CaseEvent.objects.filter(case=application.case, text__startswith="公示期满无异议").count() == 1
    assert end_notices_daily(date(2025, 10, 11))["公示期满撤下"] == 0  # once


def test_a_notice_with_an_objection_stays_up_until_it_is_dealt_with(
    worker_a, clerk_a, reviewer_a, approver, wang_family
):
    application = accept(worker_a, wang_family)
    to_notice(worker_a, clerk_a, reviewer_a, approver, application)
    notice = latest_notice(application)
    lodge_objection(notice=notice, on_date=date(2025, 9, 26), content="收入不实", anonymous=True)
    assert end_notices_daily(date(2025, 10, 20)) == {"公示期满撤下": 0, "有异议待处理": 1}
    assert PublicNotice.objects.get(pk=notice.pk).status == PublicNotice.Status.OBJECTED
