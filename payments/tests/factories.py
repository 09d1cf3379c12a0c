"""Households with bank accounts and 低保 enrolments for the payments tests."""

from datetime import date
from decimal import Decimal

from ledger import services
from policy.programmes import Programme
from registry.tests.factories import HouseholdFactory

VILLAGE_A = "430522100201"
VILLAGE_B = "430522101201"
APRIL = date(2025, 4, 1)
MAY = date(2025, 5, 1)

_accounts = iter(range(10**6))


def household(area=VILLAGE_A, name=None, account=True, **kwargs):
    extra = {"head__name": name} if name else {}
    h = HouseholdFactory(area_code=area, **extra, **kwargs)
    if account:
        h.bank_name = "农村商业银行"
        h.bank_account = f"62215800{next(_accounts):011d}"
        h.bank_account_name = h.head.name
        h.save()
    return h


def dibao(h, amount="810.00", decided_on=date(2025, 3, 20), members=3):
    return services.enrol(
        programme=Programme.DIBAO,
        household=h,
        monthly_amount=Decimal(amount),
        decided_on=decided_on,
        covered_members=members,
        case_reference="DB2025-0001",
    )


def bank_reference(line) -> str:
    """The 业务流水号 the default bank layout prints for a line (payments.bankfile, column "ref"),
    which the bank's return file quotes back."""
    return f"{line.roll_id:06d}{line.seq:07d}"
