"""Who may do what with cases. Checks use roles (accounts.roles defines no case capabilities yet).

Two narrow, explicit exceptions to area scoping live here and nowhere else:
- `transfers_for_department`: a department's officers see the Transfer rows addressed to their unit
  (owned by the department's area) and, through them only, the summary of the case concerned.
- `transfers_sent_by`: a unit sees the transfers it sent, whatever the receiving department's area.
Department officers never open Case.objects: `ensure_case_staff` refuses them.
"""

from django.core.exceptions import PermissionDenied

from accounts.models import Unit
from accounts.roles import Capability, RoleCode

# Roles that handle steps at their unit (grid workers, auditors and administrators do not).
HANDLER_ROLES = {
    RoleCode.LIVELIHOOD_WORKER,
    RoleCode.CLERK,
    RoleCode.REVIEWER,
    RoleCode.APPROVER,
    RoleCode.REGISTRAR,
    RoleCode.LEADER,
}
SUPERVISOR_ROLES = {RoleCode.LEADER}


def is_department_officer(user) -> bool:
    return bool(user.unit_id) and user.unit.kind == Unit.Kind.DEPARTMENT


def ensure_case_staff(user) -> None:
    """Civil-affairs staff with a unit. Department officers go through their transfer queue instead."""
    if not user.is_authenticated or not user.unit_id or is_department_officer(user):
        raise PermissionDenied


def can_accept(user) -> bool:
    return bool(user.unit_id) and not is_department_officer(user) and user.can(Capability.ACCEPT_APPLICATIONS)


def can_act_on(user, step) -> bool:
    if not user.unit_id or user.unit_id != step.responsible_unit_id:
        return False
    role = step.definition.role
    if role:
        return user.has_role(role) or user.has_role(RoleCode.LEADER)
    return any(user.has_role(r) for r in HANDLER_ROLES)


def can_supervise(user) -> bool:
    return user.is_superuser or any(user.has_role(r) for r in SUPERVISOR_ROLES)


def transfers_for_department(user):
    """Transfers addressed to the officer's unit, with the case joined in (not via Case.objects)."""
    from cases.models import Transfer

    return Transfer.objects.filter(to_unit_id=user.unit_id).select_related(
        "case", "case__item", "case__applicant", "step", "from_unit"
    )


def transfers_sent_by(unit_id: int):
    """What a unit transferred out: it may follow its own requests wherever the department sits."""
    from cases.models import Transfer

    return Transfer.unscoped.filter(from_unit_id=unit_id).select_related("case", "case__item", "to_unit", "step")
