"""Assistance's daily work for the scheduler (jobs.periodic): notices whose period has ended."""

from datetime import date

from django.db import transaction

from assistance.casework import PublicNotice
from cases import hooks


def end_notices_daily(day: date) -> dict:
    """公示期满: a notice whose last day has passed without objection comes down from the village's
    public page (it shows a resident's name and amount only for the notice period) and the case
    says the period ended, so the reviewer may pass the notice step. A notice with an objection
    stays until the objection is dealt with."""
    ended = list(
        PublicNotice.objects.filter(status=PublicNotice.Status.RUNNING, ends_on__lt=day)
        .select_related("application__case")
        .order_by("pk")
    )
    for notice in ended:
        with transaction.atomic():
            taken_down = PublicNotice.objects.filter(pk=notice.pk, status=PublicNotice.Status.RUNNING).update(
                status=PublicNotice.Status.COMPLETED
            )
            if taken_down:
                hooks.note(
                    notice.application.case,
                    None,
                    day,
                    f"公示期满无异议（{notice.starts_on:%Y-%m-%d}至{notice.ends_on:%Y-%m-%d}），已从公示栏撤下，可办理下一环节",
                    data={"notice": str(notice.token)},
                )
    objected = PublicNotice.objects.filter(status=PublicNotice.Status.OBJECTED, ends_on__lt=day).count()
    return {"公示期满撤下": len(ended), "有异议待处理": objected}
