"""民政统计 · 月报: the month's persons, amounts and average per person by programme, the local standard, and the
year's spending from the approved rolls — on screen and in Excel, for the leader only."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from areas.jurisdiction import SYSTEM, within
from cockpit.statistics import monthly_report
from ledger import services
from payments.models import PaymentRoll
from payments.tests.factories import household
from policy.programmes import Programme

pytestmark = pytest.mark.django_db
DECEMBER = date(2026, 12, 1)


def _enrol(amount, members, decided_on=date(2026, 11, 20), programme=Programme.DIBAO):
    return services.enrol(
        programme=programme,
        household=household(),
        monthly_amount=Decimal(amount),
        decided_on=decided_on,
        covered_members=members,
    )


def _approved_roll(month, fen, programme=Programme.DIBAO):
    return PaymentRoll.objects.create(
        programme=programme,
        month=month,
        area_prefix="430522",
        area_code="430522000000",
        number=f"{month:%Y%m}-{programme}-test",
        status=PaymentRoll.Status.APPROVED,
        payable_fen=fen,
    )


@pytest.fixture
def december():
    _enrol("600.00", 3)
    _enrol("400.00", 2)
    gone = _enrol("800.00", 4, decided_on=date(2026, 9, 1))
    services.stop(gone, decided_on=date(2026, 11, 26), reason="收入超标")  # no longer paid in December
    _approved_roll(date(2026, 10, 1), 80_000)
    _approved_roll(date(2026, 11, 1), 80_000)
    _approved_roll(date(2025, 12, 1), 99_999)  # last year: not in this year's total
    _approved_roll(date(2026, 11, 1), 150_000, programme=Programme.TEMPORARY_EMERGENCY)


def test_the_months_persons_amount_average_and_the_years_spending(december):
    with within(SYSTEM):
        rows = {row.programme: row for row in monthly_report(DECEMBER, "430522100201")}
    dibao = rows[Programme.DIBAO]
    assert (dibao.households, dibao.persons, dibao.amount) == (2, 5, Decimal("1000.00"))
    assert dibao.per_person == Decimal("200.00")
    assert dibao.year_to_date == Decimal("1600.00")
    temporary = rows[Programme.TEMPORARY_EMERGENCY]  # paid this year, nobody in monthly payment
    assert (temporary.persons, temporary.year_to_date) == (0, Decimal("1500.00"))
    with within(SYSTEM):
        november = {row.programme: row for row in monthly_report(date(2026, 11, 1), "430522100201")}
    assert november[Programme.DIBAO].persons == 4  # only the stopped household was paid in November


def test_the_page_and_its_excel_for_the_leader_only(client, leader, clerk_a, december):
    client.force_login(leader)
    page = client.get("/cockpit/monthly/", {"month": "2026-12"})
    assert page.status_code == 200 and "最低生活保障（低保）" in page.content.decode()
    workbook = client.get("/cockpit/monthly/", {"month": "2026-12", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert [c.value for c in sheet[2]][:5] == ["最低生活保障（低保）", 2, 5, 1000, 200]
    assert client.get("/cockpit/monthly/", {"month": "十二月"}).status_code == 400
    client.force_login(clerk_a)
    assert client.get("/cockpit/monthly/").status_code == 403
