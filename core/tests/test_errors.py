"""One error type (ADR 0013): a DomainError carries a code from its app's enum and a Chinese message."""

import pytest

from assistance.errors import AssistanceCode
from cases.errors import CaseCode
from core.errors import DomainError
from ledger.errors import LedgerCode
from monitoring.errors import MonitoringCode
from payments.errors import PaymentCode
from registry.errors import RegistryCode
from verification.errors import VerificationCode

CODE_ENUMS = [CaseCode, AssistanceCode, LedgerCode, PaymentCode, RegistryCode, VerificationCode, MonitoringCode]


def test_a_domain_error_reads_as_its_message_and_compares_by_its_code():
    error = DomainError(CaseCode.STEP_CONFLICT, "“审核”刚刚被他人处理，请刷新页面查看最新情况")
    assert str(error) == error.message == "“审核”刚刚被他人处理，请刷新页面查看最新情况"
    assert error.code is CaseCode.STEP_CONFLICT and error.code == "step_conflict"


def test_a_code_must_come_from_an_apps_enum():
    with pytest.raises(TypeError):
        DomainError("step_conflict", "该环节已被他人处理")


@pytest.mark.parametrize("enum", CODE_ENUMS, ids=lambda enum: enum.__name__)
def test_each_code_of_an_enum_is_its_own(enum):
    # An Enum silently turns a repeated value into an alias of the first member; a code written
    # twice would then read as another code's name.
    assert len(enum.__members__) == len(set(enum.values))
    assert all(label and label != member.value for member, label in zip(enum, enum.labels, strict=True))
