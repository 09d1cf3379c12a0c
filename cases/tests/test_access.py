"""Who may act on a case step, supervise, and handle warnings or department data: each check names a
capability (accounts.roles), and a step's named role is matched in one place (fills_step_role)."""

from types import SimpleNamespace

import pytest

from accounts.models import User
from accounts.roles import Capability, RoleCode
from cases.access import can_act_on, can_supervise

R = RoleCode
UNIT = 7


def staff(*roles: str, unit_id: int | None = UNIT, superuser: bool = False) -> User:
    user = User(username="-".join(roles) or "none", unit_id=unit_id, is_superuser=superuser)
    user.role_codes = frozenset(roles)  # what the session backend loads with the user
    return user


def step(role: str = "", unit_id: int = UNIT):
    return SimpleNamespace(responsible_unit_id=unit_id, definition=SimpleNamespace(role=role))


@pytest.mark.parametrize(
    ("roles", "step_role", "may_act"),
    [
        ((R.LIVELIHOOD_WORKER,), "", True),
        ((R.CLERK,), "", True),
        ((R.REGISTRAR,), "", True),
        ((R.LEADER,), "", True),
        ((R.GRID_WORKER,), "", False),  # grid workers report, they do not handle steps
        ((R.AUDITOR,), "", False),
        ((R.ADMIN,), "", False),
        ((R.APPROVER,), "approver", True),
        ((R.LEADER,), "approver", True),  # a leader may act on any post's step of the bureau
        ((R.CLERK,), "approver", False),
        ((R.REGISTRAR,), "approver", False),
        ((R.REVIEWER, R.CLERK), "reviewer", True),
        ((R.AUDITOR,), "auditor", True),  # a step naming a post is acted on by that post
    ],
)
def test_who_may_act_on_a_step_of_their_unit(roles, step_role, may_act):
    assert can_act_on(staff(*roles), step(step_role)) is may_act


def test_nobody_acts_on_another_units_step():
    assert not can_act_on(staff(R.LEADER), step(unit_id=UNIT + 1))
    assert not can_act_on(staff(R.CLERK, unit_id=None), step())


def test_supervision_and_the_other_checks_go_by_capability():
    assert can_supervise(staff(R.LEADER)) and can_supervise(staff(superuser=True))
    assert not any(can_supervise(staff(role)) for role in R.values if role != R.LEADER)
    holders = {role for role in R.values if staff(role).can(Capability.HANDLE_WARNINGS)}
    assert holders == {R.LIVELIHOOD_WORKER, R.CLERK, R.REVIEWER, R.APPROVER}
    holders = {role for role in R.values if staff(role).can(Capability.MANAGE_DEPARTMENT_DATA)}
    assert holders == {R.APPROVER, R.AUDITOR}
    holders = {role for role in R.values if staff(role).can(Capability.APPLY_ON_BEHALF)}
    assert holders == {R.LIVELIHOOD_WORKER}  # acceptances by them are marked 代办
