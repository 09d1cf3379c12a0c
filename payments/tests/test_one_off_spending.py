"""A grant paid outside a roll (临时救助 in cash or kind against a signed receipt) leaves the most
specific fund account of its programme above the household's area, once per idempotency key."""

from datetime import date

import pytest

from ledger.hooks import one_off_spending
from payments import funds
from payments.models import FundEntry
from policy.programmes import Programme

pytestmark = pytest.mark.django_db
VILLAGE = "430522100201"


def account(area, level):
    acc = funds.open_account(programme=Programme.TEMPORARY_EMERGENCY, level=level, year=2025, area_code=area)
    funds.post_entry(acc, kind="budget_received", amount="5000", document_reference="下达", idempotency_key=area)
    return acc


def spend(key="k1", amount="300"):
    return one_off_spending(
        programme=Programme.TEMPORARY_EMERGENCY,
        area_code=VILLAGE,
        amount=amount,
        on_date=date(2025, 9, 22),
        document_reference="430522202509220001-签收1",
        idempotency_key=key,
        note="临时救助先行救助：实物救助（领取人签收）",
        user=None,
    )


def test_the_township_account_pays_before_the_county_one():
    county, township = account("430522000000", "county"), account("430522100000", "township")
    assert spend() == [f"已记入{township.name}支出300.00元"]
    assert spend() == [f"已记入{township.name}支出300.00元"]  # the same receipt twice: one entry
    assert FundEntry.objects.filter(account=township, kind="spending").count() == 1
    assert not FundEntry.objects.filter(account=county, kind="spending").exists()


def test_an_area_without_a_fund_account_records_nothing():
    assert spend() == []
    assert not FundEntry.objects.exists()
