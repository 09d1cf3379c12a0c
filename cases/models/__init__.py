"""一门受理 models, split by concept: the catalogue, the working-day calendar, cases, transfers,
supervision and replies."""

from cases.models.calendar import HolidayNotice, WorkdayOverride
from cases.models.case import Case, CaseDocument, CaseEvent, CaseStep, PauseInterval, ReceiptCounter
from cases.models.catalogue import ServiceItem, ServiceItemVersion, StepDefinition, SupervisionPolicy
from cases.models.supervision import CaseReply, Notification, SmsOutbox, Supervision
from cases.models.transfer import Transfer

__all__ = [
    "Case",
    "CaseDocument",
    "CaseEvent",
    "CaseReply",
    "CaseStep",
    "HolidayNotice",
    "Notification",
    "PauseInterval",
    "ReceiptCounter",
    "ServiceItem",
    "ServiceItemVersion",
    "SmsOutbox",
    "StepDefinition",
    "Supervision",
    "SupervisionPolicy",
    "Transfer",
    "WorkdayOverride",
]
