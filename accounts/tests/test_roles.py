"""Capabilities a business line declares for its roles (accounts.roles.register_capability)."""

import pytest

from accounts.roles import Capability, RoleCode


def test_a_business_line_declares_its_own_capability_for_its_roles():
    from accounts.roles import ROLE_CAPABILITIES, capability_label, register_capability, roles_can

    code = register_capability("test_line_capability", "测试业务", roles=[RoleCode.RESCUE_OFFICER])
    try:
        assert roles_can([RoleCode.RESCUE_OFFICER], code)
        assert not roles_can([RoleCode.CLERK], code)
        assert capability_label(code) == "测试业务"
        assert capability_label(Capability.APPROVE) == "审批"
        with pytest.raises(ValueError):
            register_capability("approve", "别的名字", roles=[])
    finally:
        ROLE_CAPABILITIES[RoleCode.RESCUE_OFFICER].discard(code)
