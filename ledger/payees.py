"""Who receives the money of an enrolment (收款人): the account holder, who is not always the
beneficiary (子女代领: an old or disabled recipient's son or daughter holds the card).

The 一卡通 rule (惠民惠农财政补贴资金"一卡通"发放名册的校验规则, as the provincial 一卡通 modules
check it; docs/domain.md §9.2): the payee is the beneficiary or the head of the household. Anyone else may be
recorded only as an exception, with a reason, and is audit-logged.
"""

from dataclasses import dataclass

from django.db import transaction

from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from ledger.errors import LedgerCode
from ledger.models import Enrolment
from registry.idcard import InvalidIdNumber, parse


@dataclass(frozen=True)
class Payee:
    name: str
    id_number: str
    is_exception: bool
    reason: str


def head_and_beneficiary_ids(enrolment: Enrolment) -> set[str]:
    household = enrolment.household
    ids = set()
    if household.head_id:
        ids.add(household.head.id_number)
    if enrolment.beneficiary_id:
        ids.add(enrolment.beneficiary.id_number)
    return {i for i in ids if i}


def payee_is_beneficiary_or_head(enrolment: Enrolment, id_number: str) -> bool:
    """一卡通规则：收款人须为享受人本人或户主（惠民惠农财政补贴资金"一卡通"发放名册校验规则）。"""
    return id_number in head_and_beneficiary_ids(enrolment)


def payee_of(enrolment: Enrolment) -> Payee:
    """The payee as bank files name them: the recorded account holder, else the household's
    account name (or the head) with the head's ID number."""
    if enrolment.payee_id_number:
        return Payee(
            enrolment.payee_name,
            enrolment.payee_id_number,
            not payee_is_beneficiary_or_head(enrolment, enrolment.payee_id_number),
            enrolment.payee_exception_reason,
        )
    household = enrolment.household
    head = household.head
    return Payee(household.bank_account_name or (head.name if head else ""), head.id_number if head else "", False, "")


@transaction.atomic
def set_payee(enrolment: Enrolment, *, name: str, id_number: str, relation: str = "", reason: str = "", user=None):
    """登记收款人（代领）: the account holder's name and ID; someone other than the beneficiary or
    the head needs a reason (the 一卡通 rule's exception). An empty name and ID go back to the head."""
    name, relation, reason = name.strip(), relation.strip(), reason.strip()
    id_number = (id_number or "").strip().upper()
    if not name and not id_number:
        fields = {"payee_name": "", "payee_id_number": "", "payee_relation": "", "payee_exception_reason": ""}
    else:
        if not name:
            raise DomainError(LedgerCode.PAYEE_INVALID, "请填写收款人姓名")
        try:
            id_number = parse(id_number).number
        except InvalidIdNumber as error:
            raise DomainError(LedgerCode.PAYEE_INVALID, f"收款人{error.message}") from None
        exception = not payee_is_beneficiary_or_head(enrolment, id_number)
        if exception and not reason:
            raise DomainError(
                LedgerCode.PAYEE_REASON_MISSING,
                "收款人既不是享受人也不是户主（一卡通规则），请填写代领理由，如“享受人年老行动不便，由儿子代领”",
            )
        fields = {
            "payee_name": name,
            "payee_id_number": id_number,
            "payee_relation": relation,
            "payee_exception_reason": reason if exception else "",
        }
    before = {key: getattr(enrolment, key) for key in fields}
    Enrolment.unscoped.filter(pk=enrolment.pk).update(**fields)
    for key, value in fields.items():
        setattr(enrolment, key, value)
    record(
        AuditEntry.Action.UPDATE,
        obj=enrolment,
        object_repr=f"登记收款人 {enrolment}",
        changes={
            "payee_name": [before["payee_name"], fields["payee_name"]],
            "payee_id_number": ["****" + before["payee_id_number"][-4:], "****" + fields["payee_id_number"][-4:]],
            "payee_relation": fields["payee_relation"],
            "payee_exception_reason": fields["payee_exception_reason"],
        },
    )
    return enrolment
