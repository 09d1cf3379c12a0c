"""What the platform tells partner systems, registered on the lower layers' hooks (apps.ready):

- a death recorded in the registry (registry.hooks death listener) → `person.died`;
- every enrolment event of the ledger (ledger.hooks.register_enrolment_event) → `enrolment.started`,
  `enrolment.changed` or `enrolment.stopped`;
- the window's one reply to a case (cases.hooks.register_case_replied) → `case.replied`.

Each is published inside the transaction that made it (partners.webhooks.publish).
"""

from partners.scopes import EventType
from partners.webhooks import publish

# The ledger's event kinds, as partners see them (安排复核、追回、罚款 are internal and not sent).
ENROLMENT_KINDS = {
    "enrolled": EventType.ENROLMENT_STARTED,
    "adjusted": EventType.ENROLMENT_CHANGED,
    "suspended": EventType.ENROLMENT_CHANGED,
    "resumed": EventType.ENROLMENT_CHANGED,
    "gradual_exit": EventType.ENROLMENT_CHANGED,
    "reviewed": EventType.ENROLMENT_CHANGED,
    "stopped": EventType.ENROLMENT_STOPPED,
}


def on_death(person, *, died_on, source, user) -> list[str]:
    publish(
        EventType.PERSON_DIED,
        area_code=person.area_code,
        data={
            "id_number": person.id_number,
            "name": person.name,
            "died_on": died_on.isoformat(),
            "source": str(source),
        },
    )
    return []  # nothing for the clerk to read: telling other systems is not a step of the case


def enrolment_data(enrolment, event=None) -> dict:
    """One enrolment as partners read it (the webhook's data and a line of the JSONL export)."""
    household = enrolment.household
    person = enrolment.beneficiary or household.head
    data = {
        "enrolment_id": enrolment.pk,
        "programme": enrolment.programme,
        "programme_name": str(enrolment.get_programme_display()),
        "status": enrolment.status,
        "monthly_amount": str(enrolment.monthly_amount),
        "covered_members": enrolment.covered_members,
        "start_month": enrolment.start_month.strftime("%Y-%m"),
        "end_month": enrolment.end_month.strftime("%Y-%m") if enrolment.end_month else None,
        "household_number": household.number,
        "id_number": person.id_number if person else "",
        "name": person.name if person else "",
        "area_code": enrolment.area_code,
    }
    if event is not None:
        data["change"] = {
            "kind": event.kind,
            "label": str(event.get_kind_display()),
            "effective_month": event.effective_month.strftime("%Y-%m"),
            "amount_before": None if event.amount_before is None else str(event.amount_before),
            "amount_after": None if event.amount_after is None else str(event.amount_after),
            "reason": event.reason,
        }
    return data


def on_enrolment_event(event) -> None:
    event_type = ENROLMENT_KINDS.get(event.kind)
    if event_type is None:
        return
    publish(
        event_type,
        area_code=event.area_code,
        data=lambda: enrolment_data(event.enrolment, event),
        occurred_at=event.recorded_at,
    )


def on_case_replied(case, reply) -> None:
    publish(
        EventType.CASE_REPLIED,
        area_code=case.area_code,
        data={
            "receipt_no": case.receipt_no,
            "item": case.item.name,
            "outcome": case.status,
            "outcome_name": str(case.get_status_display()),
            "replied_on": reply.issued_on.isoformat(),
            "window": reply.unit.name,
        },
    )
