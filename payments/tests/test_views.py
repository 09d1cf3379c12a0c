"""Pages: jurisdiction (another township gets 404), maker-checker in the UI, public pages leak nothing."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.tests.factories import StaffFactory, ensure_area
from payments import funds, rolls
from payments.models import PaymentRoll
from payments.tests.factories import APRIL, VILLAGE_A, VILLAGE_B, dibao, household
from policy.programmes import Programme
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TOWNSHIP_A = "430522100000"


@pytest.fixture
def roll_a(clerk_a, approver):
    h = household(VILLAGE_A, name="欧阳娜娜")
    h.phone = "13812345678"
    h.save()
    dibao(h, "810.00", members=3)
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code=TOWNSHIP_A, user=clerk_a)
    return roll


def login(client, user):
    client.force_login(user)
    return client


def test_another_township_gets_404_for_rolls_lines_and_fund_accounts(client, roll_a, clerk_b, clerk_a):
    account = funds.open_account(programme=Programme.DIBAO, level="township", year=2025, area_code=TOWNSHIP_A)
    login(client, clerk_b)
    assert client.get(reverse("payments:roll_detail", args=[roll_a.pk])).status_code == 404
    assert client.get(reverse("payments:line_correct", args=[roll_a.pk, 1])).status_code == 404
    assert client.get(reverse("payments:fund_detail", args=[account.pk])).status_code == 404
    assert roll_a.number not in client.get(reverse("payments:roll_list")).content.decode()
    assert client.post(reverse("payments:roll_approve", args=[roll_a.pk])).status_code == 404
    counter = {"voucher_number": "GT-1", "paid_on": "2025-04-20"}
    assert client.post(reverse("payments:line_counter_payment", args=[roll_a.pk, 1]), counter).status_code == 404
    login(client, clerk_a)
    page = client.get(reverse("payments:roll_detail", args=[roll_a.pk])).content.decode()
    assert roll_a.number in page and "欧阳娜娜" in page


@pytest.fixture
def jobs_run_on_commit(monkeypatch):
    """The test transaction never commits: run each job's on-commit start at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def test_roll_is_generated_by_a_background_job_and_the_clerk_lands_on_the_roll(
    client, clerk_a, approver, jobs_run_on_commit
):
    dibao(household(VILLAGE_A, name="欧阳娜娜"), "810.00")
    login(client, clerk_a)
    form = {"programme": "dibao", "month": "2025-04", "area": TOWNSHIP_A}
    response = client.post(reverse("payments:roll_generate"), form, follow=True)
    roll = PaymentRoll.objects.get()
    assert response.redirect_chain[-1][0] == reverse("payments:roll_detail", args=[roll.pk])
    assert "欧阳娜娜" in response.content.decode() and roll.generated_by == clerk_a
    rolls.approve_roll(roll, user=approver)
    response = client.post(reverse("payments:roll_generate"), form, follow=True)
    page = response.content.decode()
    assert 'data-status="failed"' in page and "已审批冻结" in page  # the job says why
    job_url = response.redirect_chain[-1][0]
    assert client.get(job_url, headers={"HX-Request": "true"}).status_code == 286  # the poller stops


def test_township_clerk_cannot_generate_for_another_township(client, clerk_b):
    login(client, clerk_b)
    response = client.post(
        reverse("payments:roll_generate"), {"programme": "dibao", "month": "2025-04", "area": TOWNSHIP_A}
    )
    assert response.status_code == 302 and not PaymentRoll.objects.exists()


def test_maker_sees_no_approve_button_and_cannot_approve_by_post(client, approver):
    dibao(household())
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code="430522000000", user=approver)
    login(client, approver)
    page = client.get(reverse("payments:roll_detail", args=[roll.pk])).content.decode()
    assert 'data-testid="approve"' not in page and "须由生成人以外的审批人审批" in page
    response = client.post(reverse("payments:roll_approve", args=[roll.pk]), follow=True)
    assert "名册生成人不能审批自己生成的名册" in response.content.decode()
    roll.refresh_from_db()
    assert roll.status == "generated"


def test_pages_render_and_export(client, roll_a, approver, county_bureau):
    login(client, approver)
    for name in ("payments:roll_list", "payments:fund_list", "payments:three_checks"):
        assert client.get(reverse(name)).status_code == 200
        assert client.get(reverse(name) + "?export=xlsx")["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(reverse("payments:roll_detail", args=[roll_a.pk]) + "?export=xlsx").status_code == 200


def test_a_county_roll_reads_village_by_village_on_the_page_and_in_the_export(client, approver, county_bureau):
    heads = ["乙一", "甲一", "乙二", "甲二"]  # enrolled alternately in village B and village A
    for name, area in zip(heads, (VILLAGE_B, VILLAGE_A, VILLAGE_B, VILLAGE_A), strict=True):
        dibao(household(area, name=name))
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code="430522000000", user=approver)
    login(client, approver)
    url = reverse("payments:roll_detail", args=[roll.pk])
    page = client.get(url).content.decode()
    assert sorted(heads, key=page.index) == ["甲一", "甲二", "乙一", "乙二"]
    sheet = load_workbook(io.BytesIO(b"".join(client.get(url + "?export=xlsx").streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    *lines, total = rows
    assert [(row[0], row[4]) for row in lines] == [(2, "甲一"), (4, "甲二"), (1, "乙一"), (3, "乙二")]
    assert total[0] == "合计" and total[10] == sum(row[10] for row in lines) == 3240  # amounts are numbers


def test_three_checks_per_township(client, roll_a, clerk_a, approver, township_a, township_b):
    rolls.approve_roll(roll_a, user=approver)
    login(client, approver)
    page = client.get(reverse("payments:three_checks") + "?month=2025-04").content.decode()
    assert "酿溪镇" in page and "严塘镇" in page
    assert "缺证照1" in page  # the household has no document in the library
    assert f"未公示：{roll_a.number}" in page and "待回盘1" in page


def test_public_list_shows_only_masked_name_household_size_and_amount(client, roll_a, approver, township_a):
    from areas.models import Area

    rolls.approve_roll(roll_a, user=approver)
    line = roll_a.lines.get()
    PaymentRoll.objects.filter(pk=roll_a.pk).update(published_at=timezone.now())
    Area.objects.get_or_create(
        code=VILLAGE_A, defaults={"name": "城西社区", "level": "village", "parent": Area.objects.get(code=TOWNSHIP_A)}
    )
    client.logout()
    for code in (TOWNSHIP_A, VILLAGE_A):
        area_page = client.get(reverse("payments:public_area", args=[code])).content.decode()
        assert "2025年04月" in area_page
        page = client.get(reverse("payments:public_roll", args=[code, roll_a.pk])).content.decode()
        assert "欧**娜" in page and "810.00" in page and "<td>3</td>" in page
        head = line.head
        for secret in ("欧阳娜娜", head.id_number, line.bank_account, "13812345678", line.household_number,
                       "城西社区1", "农村商业银行"):  # fmt: skip
            assert secret not in page, secret
        # Four-digit tails can occur by chance in the page's area codes: look for them in the list itself.
        listed = page[page.index('data-testid="public-list"') : page.index("</table>")]
        for tail in (head.id_number[-4:], line.bank_account[-4:], "5678"):
            assert tail not in listed, tail
    # 严塘镇's pages (the area exists) neither list nor open 酿溪镇's roll
    ensure_area("430522101000", "严塘镇")
    other_township = client.get(reverse("payments:public_area", args=["430522101000"]))
    assert other_township.status_code == 200 and "2025年04月" not in other_township.content.decode()
    assert client.get(reverse("payments:public_roll", args=["430522101000", roll_a.pk])).status_code == 404


def test_unpublished_rolls_and_children_lists_are_not_public(client, roll_a, approver, township_a):
    rolls.approve_roll(roll_a, user=approver)
    client.logout()
    assert client.get(reverse("payments:public_roll", args=[TOWNSHIP_A, roll_a.pk])).status_code == 404
    orphan = PersonFactory(area_code=VILLAGE_A, birth_date=date(2015, 1, 1))
    h = household(VILLAGE_A)
    from decimal import Decimal

    from ledger import services

    services.enrol(programme=Programme.ORPHAN, household=h, beneficiary=orphan, monthly_amount=Decimal("1200"),
                   decided_on=date(2025, 3, 1))  # fmt: skip
    roll = rolls.generate_roll(programme=Programme.ORPHAN, month=APRIL, area_code=TOWNSHIP_A, user=None)
    StaffFactory(username="approver2", unit=approver.unit, roles=["approver"])
    PaymentRoll.objects.filter(pk=roll.pk).update(status="approved", published_at=timezone.now())
    assert client.get(reverse("payments:public_roll", args=[TOWNSHIP_A, roll.pk])).status_code == 404


def test_public_standards_and_complaints_pages(client, township_a):
    client.logout()
    assert "低保标准" in client.get(reverse("payments:public_standards", args=[TOWNSHIP_A])).content.decode()
    assert "12345" in client.get(reverse("payments:public_complaints", args=[TOWNSHIP_A])).content.decode()
    assert client.get(reverse("payments:public_index")).status_code == 200


def test_api_lists_scoped_rolls_and_refuses_the_maker(client, roll_a, clerk_a, clerk_b, approver):
    login(client, clerk_b)
    assert client.get("/api/v1/payments/rolls").json() == []
    assert client.get(f"/api/v1/payments/rolls/{roll_a.pk}").status_code == 404
    login(client, clerk_a)
    (row,) = client.get("/api/v1/payments/rolls").json()
    assert (row["number"], row["planned"], row["balanced"]) == (roll_a.number, "810.00", True)
    login(client, approver)
    response = client.post(f"/api/v1/payments/rolls/{roll_a.pk}/approve")
    assert response.status_code == 200 and response.json()["status"] == "approved"
