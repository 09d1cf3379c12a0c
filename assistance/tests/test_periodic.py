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


def _per_row(day: date) -> dict:
    """公示期满 as it was written before it became set-based: one UPDATE and one note per notice."""
    from django.db import transaction

    from cases import hooks

    ended = list(PublicNotice.objects.filter(status=PublicNotice.Status.RUNNING, ends_on__lt=day).order_by("pk"))
    for notice in ended:
        with transaction.atomic():
            if PublicNotice.objects.filter(pk=notice.pk, status=PublicNotice.Status.RUNNING).update(
                status=PublicNotice.Status.COMPLETED
            ):
                hooks.note(
                    notice.application.case,
                    None,
                    day,
                    f"公示期满无异议（{notice.starts_on:%Y-%m-%d}至{notice.ends_on:%Y-%m-%d}），已从公示栏撤下，可办理下一环节",
                    data={"notice": str(notice.token)},
                )
    objected = PublicNotice.objects.filter(status=PublicNotice.Status.OBJECTED, ends_on__lt=day).count()
    return {"公示期满撤下": len(ended), "有异议待处理": objected}


def _outcome(result: dict, case) -> tuple:
    statuses = sorted(PublicNotice.objects.values_list("round", "status"))
    notes = sorted(
        CaseEvent.objects.filter(case=case, text__startswith="公示期满无异议").values_list(
            "kind", "on_date", "actor_name", "unit_name", "text", "data"
        ),
        key=repr,
    )
    return result, statuses, notes


def test_taking_notices_down_in_one_statement_leaves_what_one_notice_at_a_time_left(
    worker_a, clerk_a, reviewer_a, approver, wang_family
):
    """Several notices of every kind (ended, still running, objected, superseded): the set-based run
    takes down the same ones and writes the same case notes as the per-notice loop it replaced."""
    from django.db import transaction

    application = accept(worker_a, wang_family)
    to_notice(worker_a, clerk_a, reviewer_a, approver, application)
    first = latest_notice(application)
    for round_no, ends_on, status in (
        (2, date(2025, 10, 5), PublicNotice.Status.RUNNING),
        (3, date(2025, 10, 15), PublicNotice.Status.RUNNING),
        (4, date(2025, 10, 1), PublicNotice.Status.OBJECTED),
        (5, date(2025, 10, 2), PublicNotice.Status.SUPERSEDED),
        (6, date(2025, 9, 30), PublicNotice.Status.RUNNING),
    ):
        PublicNotice.objects.create(
            application=application,
            round=round_no,
            village_name=first.village_name,
            starts_on=date(2025, 9, 20),
            ends_on=ends_on,
            status=status,
            masked_name=first.masked_name,
            household_size=first.household_size,
            amount=first.amount,
            area_code=first.area_code,
        )
    day = date(2025, 10, 10)

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            before = _outcome(_per_row(day), application.case)
            raise Undo
    except Undo:
        pass
    after = _outcome(end_notices_daily(day), application.case)
    assert after == before
    assert after[0] == {"公示期满撤下": 3, "有异议待处理": 1}
    assert len(after[2]) == 3
