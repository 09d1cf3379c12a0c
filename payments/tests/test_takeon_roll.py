"""The first payment roll after a county's take-on pays what its roster paid, to the fen."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from accounts.tests.factories import ensure_area
from areas.jurisdiction import scope_for_area, within
from payments import rolls
from payments.models import RollLine
from policy.programmes import Programme
from registry import hooks
from registry.idcard import make_id_number
from registry.importing.checking import check
from registry.importing.reading import read_sheet
from registry.importing.writing import write_households
from registry.tests import samples

pytestmark = pytest.mark.django_db
HEADER = ["户主姓名", "户主身份证号", "家庭人口", "户月保障金额（元）", "分类施保总额（元）", "所属社区", "最初享受月",
          "开户银行", "银行帐号"]  # fmt: skip


def test_first_roll_after_take_on_reproduces_the_roster_total_to_the_fen(township_a, clerk_a):
    ensure_area("430522100201", "城西社区")
    amounts = ["812.37", "650", "433.33", "1000.01", "77.7"]  # odd fen on purpose
    extras = ["30.5", "0", "15.55", "0", "0.01"]
    rows = [
        [
            f"周{n}",
            make_id_number("430522", date(1950 + n, 3, 4), n, True),
            2,
            amount,
            extra,
            "城西社区",
            "2024.11",
            "农商银行",
            f"6230001000{n:06d}",
        ]
        for n, (amount, extra) in enumerate(zip(amounts, extras, strict=True), 1)
    ]
    roster_total = sum(Decimal(a) + Decimal(e) for a, e in zip(amounts, extras, strict=True))
    sheet = read_sheet(samples.any_roster_bytes(HEADER, rows), "花名册.xlsx", strict=True)
    with within(scope_for_area("430522100000")):
        plan = check(sheet, default_area="430522100000", takeon=True)
        assert not plan.problems and plan.summary()["monthly_total"] == f"{roster_total:.2f}"
        take_on = hooks.take_on()
        write_households(
            plan.good,
            source="花名册.xlsx",
            then=lambda plans: take_on.write(plans, programme=Programme.DIBAO, user=clerk_a, on_date=date(2025, 4, 2)),
        )
        roll = rolls.generate_roll(
            programme=Programme.DIBAO, month=date(2025, 5, 1), area_code="430522100000", user=clerk_a
        )
    paid = RollLine.objects.filter(roll=roll).aggregate(total=Sum("amount_fen"))["total"]
    assert paid == int(roster_total * 100) and roll.payable_fen == paid
    assert RollLine.objects.filter(roll=roll, status="pending").count() == 5
