"""Assistance's daily work for the scheduler (jobs.periodic): notices whose period has ended."""

from datetime import date

from django.db import transaction

from assistance.casework import PublicNotice
from cases import hooks


def end_notices_daily(day: date) -> dict:
    """公示期满: a notice whose last day has passed without objection comes down from the village's
    public page (it shows a resident's name and amount only for the notice period) and the case
    says the period ended, so the reviewer may pass the notice step. A notice with an objection
    stays until the objection is dealt with. Set-based, whatever the number of notices: the ended
    notices are read and locked, taken down by one UPDATE, and their cases told by one INSERT."""
    with transaction.atomic():
        due = PublicNotice.objects.filter(status=PublicNotice.Status.RUNNING, ends_on__lt=day)
        ended = list(
            due.select_for_update(of=("self",))
            .order_by("pk")
            .values_list("application__case_id", "starts_on", "ends_on", "token")
        )
        due.update(status=PublicNotice.Status.COMPLETED)
        hooks.system_notes(
            [
                (
                    case_id,
                    f"公示期满无异议（{starts_on:%Y-%m-%d}至{ends_on:%Y-%m-%d}），已从公示栏撤下，可办理下一环节",
                    {"notice": str(token)},
                )
                for case_id, starts_on, ends_on, token in ended
            ],
            day,
        )
    objected = PublicNotice.objects.filter(status=PublicNotice.Status.OBJECTED, ends_on__lt=day).count()
    return {"公示期满撤下": len(ended), "有异议待处理": objected}
