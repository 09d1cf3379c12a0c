"""子女代领: the account holder is not the head; bank files and 一卡通 rosters name the payee, the
一卡通 rule (payee is the beneficiary or the head) is checked and its exceptions carry a reason."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.errors import DomainError
from ledger.models import Enrolment
from ledger.payees import payee_of, set_payee
from payments import bankfile, rolls
from payments.models import BankFile, BankLayout, RollIssue
from payments.tests.factories import APRIL, dibao, household
from policy.programmes import Programme
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
COUNTY = "430522000000"


@pytest.fixture
def father_paid_to_son():
    h = household(name="王老汉")
    son = PersonFactory(name="王小明", birth_date=date(1975, 3, 2))
    h.bank_account_name = son.name
    h.save()
    enrolment = dibao(h, "600.00", members=1)
    set_payee(enrolment, name=son.name, id_number=son.id_number, relation="儿子", reason="户主年老行动不便，由儿子代领")
    return h, son, enrolment


def test_a_son_collecting_for_his_father_is_paid_under_his_own_name_and_id(father_paid_to_son, clerk_a, approver):
    h, son, _ = father_paid_to_son
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code=COUNTY, user=clerk_a)
    line = roll.lines.get()
    assert (line.payee_name, line.payee_id_number) == ("王小明", son.id_number)
    assert (line.head_name, line.head_id_number) == ("王老汉", h.head.id_number)
    assert roll.issue_count == 0
    rolls.approve_roll(roll, user=approver)
    daifa = BankLayout.objects.get(code="bank-daifa-pipe")
    data = bankfile.write_bank_file(roll, daifa, pay_date=date(2025, 4, 10)).file.read()
    fields = data.decode("gbk").split("\r\n")[1].split("|")
    assert fields[1] == "王小明" and fields[6] == son.id_number
    roster = BankLayout.objects.get(code="yikatong-xlsx")
    preview = bankfile.preview_bank_file(roll, roster, pay_date=date(2025, 4, 10))
    assert preview.count == 0  # the line is paid by the bank file, never by a second file
    BankFile.objects.filter(roll=roll).delete()  # as if the roll had gone to the 一卡通 system instead
    data = bankfile.write_bank_file(roll, roster, pay_date=date(2025, 4, 10)).file.read()
    sheet = load_workbook(io.BytesIO(data)).active
    header, row = [list(r) for r in sheet.iter_rows(min_row=1, max_row=2, values_only=True)]
    by_title = dict(zip(header, row, strict=False))
    assert by_title["户主姓名"] == "王老汉" and by_title["收款人姓名"] == "王小明"
    assert by_title["收款人身份证号"] == son.id_number


def test_someone_other_than_the_beneficiary_or_head_needs_a_reason():
    enrolment = dibao(household(name="李奶奶"))
    son = PersonFactory(name="李强")
    with pytest.raises(DomainError) as refused:
        set_payee(enrolment, name=son.name, id_number=son.id_number, relation="儿子")
    assert "代领理由" in refused.value.message
    wrong_check = son.id_number[:17] + ("1" if son.id_number[17] == "0" else "0")
    with pytest.raises(DomainError, match="校验位"):
        set_payee(enrolment, name=son.name, id_number=wrong_check, reason="代领")
    # the head herself needs no reason; blank name and ID go back to the head
    set_payee(enrolment, name="李奶奶", id_number=enrolment.household.head.id_number)
    assert not payee_of(enrolment).is_exception
    set_payee(enrolment, name="", id_number="")
    assert payee_of(enrolment).id_number == enrolment.household.head.id_number


def test_a_payee_recorded_without_the_exception_reason_blocks_the_roll(clerk_a):
    enrolment = dibao(household(name="赵大爷"))
    stranger = PersonFactory(name="钱某")
    Enrolment.unscoped.filter(pk=enrolment.pk).update(payee_name=stranger.name, payee_id_number=stranger.id_number)
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code=COUNTY, user=clerk_a)
    issue = RollIssue.objects.get(roll=roll)
    assert issue.code == RollIssue.Code.PAYEE_RULE and "一卡通规则" in issue.message


def test_the_payee_page_records_the_son_and_refuses_without_a_reason(client, clerk_a):
    enrolment = dibao(household(name="孙奶奶"))
    son = PersonFactory(name="孙建国")
    client.force_login(clerk_a)
    url = reverse("payments:payee_edit", args=[enrolment.pk])
    response = client.post(url, {"name": son.name, "id_number": son.id_number, "relation": "儿子"})
    assert response.status_code == 200 and "代领理由" in response.content.decode()
    response = client.post(
        url, {"name": son.name, "id_number": son.id_number, "relation": "儿子", "reason": "年老卧床"}, follow=True
    )
    page = response.content.decode()
    assert "孙建国" in page and "例外：年老卧床" in page


def test_the_payee_list_shows_the_exception_and_its_reason(client, clerk_a, father_paid_to_son):
    client.force_login(clerk_a)
    page = client.get(reverse("payments:payee_list")).content.decode()
    assert "王小明" in page and "例外：户主年老行动不便，由儿子代领" in page
    assert father_paid_to_son[1].id_number not in page  # masked in the list
    found = client.get(reverse("payments:payee_list") + "?q=王老汉").content.decode()
    assert reverse("payments:payee_edit", args=[father_paid_to_son[2].pk]) in found
