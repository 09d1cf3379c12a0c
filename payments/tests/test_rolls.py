"""Monthly payment rolls: generation agrees with ledger.services.amount_for_month, freeze, maker-checker."""

from datetime import date
from decimal import Decimal

import pytest

from core.errors import DomainError
from ledger import services as ledger
from ledger.models import Enrolment
from payments import rolls
from payments.models import PaymentRoll, RollLine
from payments.tests.factories import APRIL, MAY, VILLAGE_A, VILLAGE_B, dibao, household
from policy.models import PolicyParameter
from policy.programmes import ParameterKey, Programme

pytestmark = pytest.mark.django_db
COUNTY = "430522000000"


def generate(month=APRIL, user=None, area=COUNTY):
    return rolls.generate_roll(programme=Programme.DIBAO, month=month, area_code=area, user=user)


def lines(roll, **filters):
    return list(RollLine.objects.filter(roll=roll, **filters).order_by("seq"))


def test_roll_agrees_with_amount_for_month_for_every_kind_of_enrolment():
    normal = dibao(household(), "810.00")
    new_next_month = dibao(household(), "500.00", decided_on=date(2025, 4, 3))  # pays from May
    stopped = dibao(household(), "300.00")
    ledger.stop(stopped, decided_on=date(2025, 3, 25), reason="收入超标")  # stops from April
    suspended = dibao(household(), "400.00")
    # 暂停发放 has no action of its own: such rows come from earlier systems' data
    Enrolment.objects.filter(pk=suspended.pk).update(status=Enrolment.Status.SUSPENDED)
    exiting = dibao(household(), "600.00", decided_on=date(2025, 2, 10))
    ledger.start_gradual_exit(exiting, decided_on=date(2025, 3, 5), reason="务工收入")
    roll = generate()
    by_enrolment = {line.enrolment_id: line for line in lines(roll)}
    for enrolment in (normal, new_next_month, stopped, suspended, exiting):
        enrolment.refresh_from_db()
        expected = ledger.amount_for_month(enrolment, APRIL)
        line = by_enrolment.get(enrolment.pk)
        paid = Decimal(line.amount_fen) / 100 if line and line.status != "held" else Decimal("0")
        assert paid == expected, enrolment
    assert new_next_month.pk not in by_enrolment and stopped.pk not in by_enrolment
    held = by_enrolment[suspended.pk]
    assert (held.status, held.hold_reason, held.amount_fen, held.in_bank_file) == ("held", "suspended", 40000, False)
    assert roll.payable_count == 2 and roll.held_count == 1
    assert roll.payable_fen == 81000 + by_enrolment[exiting.pk].amount_fen


def test_frozen_roll_is_unaffected_by_later_registry_and_enrolment_edits(approver, clerk_a):
    h = household(name="张三")
    enrolment = dibao(h, "810.00")
    roll = generate(user=clerk_a)
    rolls.approve_roll(roll, user=approver)
    before = [(x.payee_name, x.bank_account, x.amount_fen, x.head_name) for x in lines(roll)]
    h.bank_account = "9999999999999999"
    h.bank_account_name = "李四"
    h.save()
    h.head.name = "张叁"
    h.head.save()
    ledger.adjust_amount(enrolment, new_amount=Decimal("900"), decided_on=date(2025, 4, 2), reason="标准提高")
    after = [(x.payee_name, x.bank_account, x.amount_fen, x.head_name) for x in lines(roll)]
    assert after == before == [("张三", before[0][1], 81000, "张三")]
    with pytest.raises(DomainError) as error:
        generate(user=clerk_a)
    assert error.value.code == "frozen"
    may = generate(MAY, user=clerk_a)
    assert [(x.payee_name, x.bank_account, x.amount_fen) for x in lines(may)] == [("李四", "9999999999999999", 90000)]


def test_lines_are_numbered_in_enrolment_order_across_villages():
    enrolments = [dibao(household(area)) for area in (VILLAGE_B, VILLAGE_A, VILLAGE_B, VILLAGE_A)]
    roll = generate()
    assert [(x.seq, x.enrolment_id, x.area_code) for x in lines(roll)] == [
        (n, e.pk, e.area_code) for n, e in enumerate(enrolments, start=1)
    ]


def test_maker_cannot_approve_their_own_roll(approver, clerk_a):
    dibao(household())
    roll = generate(user=approver)
    with pytest.raises(DomainError) as error:
        rolls.approve_roll(roll, user=approver)
    assert error.value.code == "maker_checker"
    with pytest.raises(DomainError) as error:
        rolls.approve_roll(roll, user=clerk_a)
    assert error.value.code == "forbidden"
    roll = generate(user=clerk_a)
    rolls.approve_roll(roll, user=approver)
    roll.refresh_from_db()
    assert (roll.status, roll.approved_by, roll.generated_by) == (PaymentRoll.Status.APPROVED, approver, clerk_a)


def test_payment_after_death_blocks_approval_and_the_roll_says_why(approver, clerk_a):
    h = household(name="王芳")
    dibao(h)
    h.head.life_status = "dead"
    h.head.death_date = date(2025, 3, 10)
    h.head.save()
    roll = generate(user=clerk_a)
    assert roll.issue_count == 1
    with pytest.raises(DomainError) as error:
        rolls.approve_roll(roll, user=approver)
    assert error.value.code == "blocked"
    (issue,) = roll.issues.all()
    assert issue.code == "deceased" and "王芳已于2025-03-10死亡" in issue.message


def test_two_rolls_cannot_pay_the_same_enrolment_for_the_same_month(approver, clerk_a):
    dibao(household())
    township_roll = generate(user=clerk_a, area="430522100000")
    rolls.approve_roll(township_roll, user=approver)
    county_roll = generate(user=clerk_a)
    assert county_roll.issue_count == 1
    (issue,) = county_roll.issues.all()
    assert issue.other_roll == township_roll and "不得重复发放" in issue.message
    with pytest.raises(DomainError) as error:
        rolls.approve_roll(county_roll, user=approver)
    assert error.value.code == "blocked"


def test_the_same_enrolment_month_twice_in_one_roll_is_an_issue(clerk_a):
    dibao(household())
    roll = generate(user=clerk_a)
    (line,) = lines(roll)
    line.pk, line.seq = None, 2
    line.save()
    assert rolls.check_roll(roll) == 2
    assert {(i.code, i.other_roll_id) for i in roll.issues.all()} == {("double_payment", roll.pk)}


def test_death_recorded_after_generation_still_blocks_approval_and_the_roll_says_why(approver, clerk_a):
    h = household(name="王芳")
    dibao(h)
    roll = generate(user=clerk_a)
    assert roll.issue_count == 0
    h.head.life_status = "dead"
    h.head.death_date = date(2025, 3, 10)
    h.head.save()
    with pytest.raises(DomainError) as error:
        rolls.approve_roll(roll, user=approver)
    assert error.value.code == "blocked"
    roll.refresh_from_db()
    assert (roll.status, roll.issue_count) == (PaymentRoll.Status.GENERATED, 1)
    (issue,) = roll.issues.all()
    assert issue.code == "deceased" and "王芳已于2025-03-10死亡" in issue.message


def test_roll_approved_after_generation_still_blocks_a_double_payment(approver, clerk_a):
    dibao(household())
    county_roll = generate(user=clerk_a)
    township_roll = generate(user=clerk_a, area="430522100000")
    rolls.approve_roll(township_roll, user=approver)
    with pytest.raises(DomainError) as error:
        rolls.approve_roll(county_roll, user=approver)
    assert error.value.code == "blocked"
    (issue,) = county_roll.issues.all()
    assert issue.other_roll == township_roll and "不得重复发放" in issue.message
    county_roll.refresh_from_db()
    assert county_roll.status == PaymentRoll.Status.GENERATED


def test_late_decision_is_paid_as_arrears_and_recovery_is_a_separate_line(approver, clerk_a):
    fraud = dibao(household(), "300.00")
    rolls.approve_roll(generate(APRIL, user=clerk_a), user=approver)
    late = dibao(household(), "500.00", decided_on=date(2025, 3, 28))  # entered after April's roll
    ledger.record_fraud(
        fraud, decided_on=date(2025, 4, 10), months_paid_wrongly=2, fine_multiple=Decimal("1"), reason="隐瞒收入"
    )
    may = generate(MAY, user=clerk_a)
    kinds = sorted(
        (x.kind, str(x.pay_month), x.amount_fen) for x in lines(may) if x.enrolment_id in (late.pk, fraud.pk)
    )
    assert kinds == [
        ("arrears", "2025-04-01", 50000),
        ("recovery", "2025-05-01", -60000),
        ("regular", "2025-05-01", 50000),
    ]
    assert may.recovery_fen == 60000
    assert not any(x.in_bank_file for x in lines(may, kind="recovery"))


def test_amounts_become_exact_fen():
    for amount in ("0.29", "1.15", "810.05", "333.33"):
        dibao(household(), amount)
    roll = generate()
    assert sorted(x.amount_fen for x in lines(roll)) == [29, 115, 33333, 81005]
    assert roll.payable_fen == 29 + 115 + 33333 + 81005


def test_arrears_window_is_the_countys_policy_parameter(approver, clerk_a):
    rolls.approve_roll(generate(APRIL, user=clerk_a), user=approver)
    late = dibao(household(), "500.00", decided_on=date(2025, 3, 28))  # entered after April's roll
    june = date(2025, 6, 1)
    arrears = lines(generate(june, user=clerk_a), kind="arrears")
    assert [(x.enrolment_id, x.pay_month) for x in arrears] == [(late.pk, APRIL)]  # national default: 12 months

    PolicyParameter.objects.create(
        area_code="430522000000", key=ParameterKey.ARREARS_MONTHS, value=1, effective_from=date(2025, 6, 1)
    )
    assert lines(generate(june, user=clerk_a), kind="arrears") == []  # April lies outside a one-month window


@pytest.mark.parametrize("seen_beneficiaries", [True, False])
def test_a_beneficiary_is_named_on_the_line_whichever_statement_writes_it(monkeypatch, seen_beneficiaries):
    """A household-level programme is written without the beneficiary join; a beneficiary enrolled
    after that choice was made (the check says none) is still looked up line by line."""
    from registry.tests.factories import PersonFactory

    h = household()
    orphan = PersonFactory(area_code=h.area_code, birth_date=date(2015, 1, 1))
    ledger.enrol(programme=Programme.ORPHAN, household=h, beneficiary=orphan, monthly_amount=Decimal("1200"),
                 decided_on=date(2025, 3, 1))  # fmt: skip
    monkeypatch.setattr(rolls, "_exists", lambda sql, params: seen_beneficiaries)
    roll = rolls.generate_roll(programme=Programme.ORPHAN, month=APRIL, area_code=COUNTY, user=None)
    (line,) = lines(roll)
    assert (line.beneficiary_id, line.beneficiary_name, line.beneficiary_id_number) == (
        orphan.pk, orphan.name, orphan.id_number)  # fmt: skip
    assert (line.head_name, line.payee_name) == (h.head.name, h.bank_account_name)
    dibao(household())
    household_roll = generate()
    assert [(x.beneficiary_id, x.beneficiary_name, x.beneficiary_id_number) for x in lines(household_roll)] == [
        (None, "", "")]  # fmt: skip


def test_the_household_statement_is_chosen_only_when_no_enrolment_names_a_beneficiary():
    params = {"programme": Programme.DIBAO, "prefix": "430522%"}
    dibao(household())
    assert not rolls._exists(rolls.HAS_BENEFICIARIES_SQL, params)
    from registry.tests.factories import PersonFactory

    h = household()
    ledger.enrol(programme=Programme.ORPHAN, household=h, beneficiary=PersonFactory(area_code=h.area_code),
                 monthly_amount=Decimal("1200"), decided_on=date(2025, 3, 1))  # fmt: skip
    assert not rolls._exists(rolls.HAS_BENEFICIARIES_SQL, params)
    assert rolls._exists(rolls.HAS_BENEFICIARIES_SQL, {**params, "programme": Programme.ORPHAN})


def test_a_personal_programme_roll_agrees_with_amount_for_month_and_names_head_and_beneficiary():
    """The 高龄津贴 roll (a programme paid per person) is read from its enrolments, each looking up its
    household, head and beneficiary (on PostgreSQL with the hash joins off for that statement only):
    the same lines, amounts and names as the ledger says, and later statements planned as before."""
    from django.db import connection

    from registry.tests.factories import PersonFactory

    elders = []
    for amount, status in (("50.00", "in_payment"), ("100.00", "in_payment"), ("500.00", "suspended")):
        h = household()
        elder = PersonFactory(area_code=h.area_code, name=f"老人{amount[:-3]}", birth_date=date(1930, 1, 1))
        enrolment = ledger.enrol(programme=Programme.ELDERLY_ALLOWANCE, household=h, beneficiary=elder,
                                 monthly_amount=Decimal(amount), decided_on=date(2025, 3, 1))  # fmt: skip
        Enrolment.objects.filter(pk=enrolment.pk).update(status=status)
        elders.append((h, elder, enrolment))
    stopped_home = household()
    stopped = ledger.enrol(programme=Programme.ELDERLY_ALLOWANCE, household=stopped_home, beneficiary=stopped_home.head,
                           monthly_amount=Decimal("50"), decided_on=date(2025, 1, 1))  # fmt: skip
    ledger.stop(stopped, decided_on=date(2025, 3, 25), reason="死亡")
    roll = rolls.generate_roll(programme=Programme.ELDERLY_ALLOWANCE, month=APRIL, area_code=COUNTY, user=None)
    by_enrolment = {line.enrolment_id: line for line in lines(roll)}
    assert stopped.pk not in by_enrolment
    for h, elder, enrolment in elders:
        enrolment.refresh_from_db()
        line = by_enrolment[enrolment.pk]
        paid = Decimal(line.amount_fen) / 100 if line.status != "held" else Decimal("0")
        assert paid == ledger.amount_for_month(enrolment, APRIL)
        assert (line.head_name, line.head_id_number) == (h.head.name, h.head.id_number)
        assert (line.beneficiary_name, line.beneficiary_id_number) == (elder.name, elder.id_number)
        assert (line.payee_name, line.bank_account) == (h.bank_account_name, h.bank_account)
    assert (roll.payable_count, roll.payable_fen, roll.held_count) == (2, 15000, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_hashjoin")
            assert cursor.fetchone()[0] == "on"


def test_a_rolls_number_is_digits_a_clerk_and_a_bank_read_without_a_programme_code():
    from payments.rolls import roll_number

    numbers = {roll_number(p, date(2026, 12, 1), "430522000000") for p in Programme}
    assert roll_number(Programme.DIBAO, date(2026, 12, 1), "430522000000") == "202612-01-430522000000"
    assert len(numbers) == len(Programme)  # one per programme
    assert all(n.replace("-", "").isdigit() for n in numbers)
