"""The one place where verification opens work elsewhere: one function per kind of work.

- `open_review_case`: a review (复核) case for a household, through the cases engine. The engine
  has no review-case entry yet (no `cases.services.open_review_case`); until it has, this adapter
  accepts a 低保待遇变更 case (item REVIEW_ITEM) at the household's township window: as the user
  who ran the sweep when their window may accept it, otherwise as the township's 经办员, and says
  so in the audit log. When the engine grows `open_review_case(household=, reason=, due_on=,
  origin=)`, it is used instead (checked at call time).
- the visit task for the village 民生员 is opened through `verification.hooks.open_outreach_task`.
"""

from datetime import date

from django.db.models import Q

from accounts.models import Unit, User
from accounts.roles import RoleCode
from areas.codes import prefix_of
from audit.models import AuditEntry
from audit.services import record

REVIEW_ITEM = "dibao_change"


def _acceptor(household, user, item):
    from cases.access import can_accept
    from cases.catalogue import window_level

    if user is not None and getattr(user, "pk", None) and user.unit_id and can_accept(user):
        allowed = window_level(user.unit.area_code) in item.accept_levels
        if allowed and household.area_code.startswith(prefix_of(user.unit.area_code)):
            return user
    township = household.area_code[:9] + "000"
    unit = (
        Unit.unscoped.filter(kind=Unit.Kind.TOWNSHIP_OFFICE, area_code=township, is_active=True).order_by("pk").first()
    )
    if unit is None:
        return None
    return (
        User.objects.filter(unit=unit, is_active=True)
        .filter(Q(roles__code=RoleCode.CLERK) | Q(roles__code=RoleCode.REVIEWER))
        .order_by("pk")
        .first()
    )


def open_review_case(household, *, reason: str, due: date | None, on_date: date, user=None, finding_id=None):
    """A review case for the household; returns the Case or None (with the reason why not)."""
    from cases import services as case_services
    from cases.errors import CaseError
    from cases.models import Case, ServiceItem

    hook = getattr(case_services, "open_review_case", None)
    if hook is not None:
        return hook(household=household, reason=reason, due_on=due, origin="verification"), ""
    existing = (
        Case.objects.filter(household=household, item__code=REVIEW_ITEM, status__in=Case.OPEN).order_by("-pk").first()
    )
    if existing:
        return existing, "并入该户正在办理的复核办件"
    item = ServiceItem.objects.filter(code=REVIEW_ITEM, is_active=True).first()
    if item is None:
        return None, "服务事项清单中没有“低保待遇变更”，无法发起复核"
    acceptor = _acceptor(household, user, item)
    if acceptor is None:
        return None, "该户所在乡镇没有经办员账号，无法发起复核"
    members = [m.person for m in household.current_memberships()]
    applicant = next((p for p in members if p.is_alive), household.head)
    try:
        acceptance = case_services.accept_application(
            user=acceptor, item=item, household=household, on_date=on_date, applicant=applicant, proxy=False
        )
    except CaseError as exc:
        return None, f"发起复核失败：{exc}"
    record(
        AuditEntry.Action.CREATE,
        obj=acceptance.case,
        changes={
            "origin": "verification",
            "finding": finding_id,
            "reason": reason,
            "review_due": due.isoformat() if due else None,
            "accepted_as": acceptor.username,
        },
    )
    return acceptance.case, ""
