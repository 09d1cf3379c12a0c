"""Who may do what with cases. Checks name a capability (accounts.roles); a step definition may
name the role that acts on it (catalogue data), matched through `accounts.roles.fills_step_role`.

Two narrow, explicit exceptions to area scoping live here and nowhere else:
- `transfers_for_department`: a department's officers see the Transfer rows addressed to their unit
  (owned by the department's area) and, through them only, the summary of the case concerned.
- `transfers_sent_by`: a unit sees the transfers it sent, whatever the receiving department's area.
Department officers never open Case.objects: `ensure_case_staff` refuses them.
"""

from django.core.exceptions import PermissionDenied

from accounts.models import Unit
from accounts.roles import Capability, fills_step_role


def is_department_officer(user) -> bool:
    return bool(user.unit_id) and user.unit.kind == Unit.Kind.DEPARTMENT


def ensure_case_staff(user) -> None:
    """Civil-affairs staff with a unit. Department officers go through their transfer queue instead."""
    if not user.is_authenticated or not user.unit_id or is_department_officer(user):
        raise PermissionDenied


def can_accept(user) -> bool:
    return bool(user.unit_id) and not is_department_officer(user) and user.can(Capability.ACCEPT_APPLICATIONS)


def can_act_on(user, step) -> bool:
    """A step is acted on at its responsible unit: by the role its definition names, else by
    anyone there who handles steps."""
    if not user.unit_id or user.unit_id != step.responsible_unit_id:
        return False
    role = step.definition.role
    if role:
        return fills_step_role(user, role)
    return user.can(Capability.HANDLE_STEPS)


def can_supervise(user) -> bool:
    return user.can(Capability.SUPERVISE_CASES)


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
