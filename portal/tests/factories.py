"""Helpers for portal tests: a notice running in the village, for a resident to object to."""

from datetime import date, timedelta

from assistance.casework import PublicNotice
from assistance.procedure import apply_for_assistance
from cases.tests.factories import give_documents
from policy.programmes import Programme


def running_notice(household, user, on_date: date) -> PublicNotice:
    """A 公示 of the household's temporary aid, posted in its village today for seven days."""
    give_documents(household, ["id_card"])
    application = apply_for_assistance(
        user=user,
        programme=Programme.TEMPORARY_EMERGENCY,
        household=household,
        on_date=on_date,
        facts={"requested_amount": "1200", "reason": "因病"},
    )
    return PublicNotice.objects.create(
        application=application,
        village_name="城西社区",
        starts_on=on_date,
        ends_on=on_date + timedelta(days=7),
        masked_name="李*",
        household_size=1,
        amount=1200,
        area_code=household.area_code,
    )


def resolve_by_appraisal(notice: PublicNotice, user, on_date: date, note: str, outcome: str = "rejected") -> None:
    """The village representatives appraised the application again and the objection is answered."""
    from assistance.casework import Objection
    from assistance.notice import resolve_objections
    from assistance.procedure import record_appraisal

    application = notice.application
    record_appraisal(
        user=user, application=application, held_on=on_date, participants=9, agree=8, disagree=1, conclusion="情况属实"
    )
    resolve_objections(
        user=user,
        application=application,
        on_date=on_date,
        resolution=Objection.Resolution.APPRAISED,
        outcome=outcome,
        note=note,
    )
