"""Small hand-made families and datasets for the verification and monitoring tests.

赵民生 (worker_a) is 民生员 of 城西社区 (430522100201, 酿溪镇); 李经办 (clerk_a) the 酿溪镇 clerk who
accepts review cases; 刘审批 (approver) receives department data at the county. Dates are injected.
The demo county's amounts must be in force (policy.tests.factories.local_amounts).
"""

from datetime import date
from decimal import Decimal

from ledger import services as ledger
from ledger.models import Enrolment
from policy.programmes import Programme
from registry.models import Membership
from registry.tests.factories import HouseholdFactory, PersonFactory
from verification.loading import csv_bytes, load_batch, receive_batch, upload_from_bytes

DAY = date(2025, 9, 10)
VILLAGE = "430522100201"


def family(*people, area=VILLAGE, kind="rural", bank_account=""):
    """A household: the first person is the head; others are (name, birth) or Person kwargs dicts."""
    head_kwargs = people[0] if people else {}
    household = HouseholdFactory(
        area_code=area,
        kind=kind,
        bank_account=bank_account,
        head__area_code=area,
        **{f"head__{k}": v for k, v in head_kwargs.items()},
    )
    for extra in people[1:]:
        person = PersonFactory(area_code=area, **extra)
        Membership.objects.create(
            household=household, person=person, relation="20", start_date=date(2020, 1, 1), area_code=area
        )
    return household


def enrol(
    household, programme=Programme.DIBAO, *, amount="500", decided_on=date(2025, 1, 10), beneficiary=None, members=None
):
    return ledger.enrol(
        programme=programme,
        household=household,
        monthly_amount=Decimal(amount),
        decided_on=decided_on,
        covered_members=members or household.current_memberships().count(),
        beneficiary=beneficiary,
    )


def raw_enrolment(household, programme, *, beneficiary=None, amount="300"):
    """An enrolment as a legacy import would leave it (bypassing the compatibility check): test data only."""
    return Enrolment.objects.create(
        programme=programme,
        household=household,
        beneficiary=beneficiary,
        area_code=household.area_code,
        monthly_amount=Decimal(amount),
        start_month=date(2025, 2, 1),
        last_reviewed_on=date(2025, 1, 10),
    )


def load(source, header, rows, *, user=None, name=None, data_as_of=DAY):
    """Receive and load a CSV batch synchronously (the job does the same in the background)."""
    content = csv_bytes(header, rows)
    batch = receive_batch(
        user=user,
        source=source,
        upload=upload_from_bytes(name or f"{source}.csv", content),
        provider="测试部门",
        data_as_of=data_as_of,
        area_code="430522000000",
        start=False,
    )
    return load_batch(batch)


def two_deaths():
    """A couple (the wife died 2025-05-20) and a man living alone (died 2025-06-15), both enrolled
    in 低保 (his at 600 a month), and the death batch that reports them: (couple, alone)."""
    couple = family({"name": "王大"}, {"name": "李二"})
    alone = family({"name": "赵孤"})
    enrol(couple)
    enrol(alone, amount="600")
    wife = couple.current_memberships()[1].person
    load(
        "death",
        ["身份证号", "姓名", "死亡日期"],
        [[wife.id_number, wife.name, "2025-05-20"], [alone.head.id_number, "赵孤", "2025-06-15"]],
    )
    return couple, alone
