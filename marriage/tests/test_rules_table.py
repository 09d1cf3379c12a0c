"""Table test of the marriage rules (marriage.rules): one row per case, named by docs/domain.md §16."""

from datetime import date

import pytest

from marriage import rules
from policy.defaults import MARRIAGE_DEFAULTS
from policy.parameters import Policy

POLICY = Policy(area_code="430522000000", on=date(2026, 1, 1), values={str(k): v for k, v in MARRIAGE_DEFAULTS.items()})


class Holidays:
    """A calendar with the days off of the 2026 Spring Festival and 2025 Labour Day (from the State
    Council notices) and weekends, except the 调休 working Saturdays/Sundays."""

    OFF = {date(2026, 2, d) for d in range(15, 24)} | {date(2025, 5, d) for d in range(1, 6)}
    WORKING_WEEKEND = {date(2026, 2, 14), date(2026, 2, 28), date(2025, 4, 27)}

    def next_workday(self, day: date) -> date:
        from datetime import timedelta

        while day in self.OFF or (day.weekday() >= 5 and day not in self.WORKING_WEEKEND):
            day += timedelta(days=1)
        return day


def party(name="张三", sex="M", born=date(2000, 1, 1), **extra):
    declared = {"declared_no_spouse": True, "declared_no_kinship": True, "declared_voluntary": True}
    return rules.Party(name=name, sex=sex, birth_date=born, **{**declared, **extra})


ON = date(2026, 3, 2)
AGE_ROWS = [
    # (row, man born, woman born, allowed, failed rules)
    ("§16.1 man 22 today, woman 20 today: allowed", date(2004, 3, 2), date(2006, 3, 2), True, []),
    ("§16.1 man one day short of 22", date(2004, 3, 3), date(2000, 1, 1), False, ["age"]),
    ("§16.1 woman one day short of 20", date(1990, 1, 1), date(2006, 3, 3), False, ["age"]),
    ("§16.1 both under age: both named", date(2010, 1, 1), date(2010, 1, 1), False, ["age", "age"]),
    ("§16.1 woman of 21 and man of 23", date(2003, 1, 1), date(2005, 1, 1), True, []),
]


@pytest.mark.parametrize(("row", "man_born", "woman_born", "allowed", "failed"), AGE_ROWS, ids=[r[0] for r in AGE_ROWS])
def test_legal_age(row, man_born, woman_born, allowed, failed):
    decision = rules.check_marriage(party(born=man_born), party("李四", "F", woman_born), ON, POLICY)
    assert decision.allowed is allowed
    assert decision.rules == failed
    assert all("第一千零四十七条" in text for text in decision.refusals)


CONDITION_ROWS = [
    ("§16.1 two men", {"sex": "M"}, {}, ["sexes"]),
    ("§16.1 married in our register", {}, {"married_in_register": True}, ["married"]),
    ("§16.1 no declaration of no spouse", {"declared_no_spouse": False}, {}, ["no_spouse_declaration"]),
    ("§16.1 kinship not declared", {"declared_no_kinship": False}, {}, ["kinship"]),
    ("§16.1 not voluntary", {}, {"declared_voluntary": False}, ["voluntary"]),
]


@pytest.mark.parametrize(("row", "woman", "man", "failed"), CONDITION_ROWS, ids=[r[0] for r in CONDITION_ROWS])
def test_conditions_refuse_naming_the_rule(row, woman, man, failed):
    first = party(**man)
    second = party("李四", **{"sex": "F", "born": date(2001, 1, 1), **woman})
    decision = rules.check_marriage(first, second, ON, POLICY)
    assert not decision.allowed
    assert decision.rules == failed
    assert decision.refusals and all("民法典" in r or "条例" in r for r in decision.refusals)


def test_age_counts_full_years_of_a_leap_day_birth():
    assert rules.age_on(date(2004, 2, 29), date(2026, 2, 28)) == 21
    assert rules.age_on(date(2004, 2, 29), date(2026, 3, 1)) == 22


def test_ages_are_dated_policy_data():
    later = Policy(area_code="", on=ON, values={"marriage.min_ages": {"M": 20, "F": 18}})
    decision = rules.check_marriage(party(born=date(2005, 1, 1)), party("李四", "F", date(2007, 1, 1)), ON, later)
    assert decision.allowed


PERIOD_ROWS = [
    # (row, received, cooling-off ends, appear by)
    (
        "§16.2 plain: 3 Mar 2025 → 2 Apr → 2 May is Labour Day → 6 May",
        date(2025, 3, 3),
        date(2025, 4, 2),
        date(2025, 5, 6),
    ),
    ("§16.2 ends in the Spring Festival → 24 Feb", date(2026, 1, 16), date(2026, 2, 24), date(2026, 3, 26)),
    ("§16.2 holidays inside the period do not stretch it", date(2026, 2, 1), date(2026, 3, 3), date(2026, 4, 2)),
    ("§16.2 ends on a Saturday → Monday", date(2026, 3, 7), date(2026, 4, 6), date(2026, 5, 6)),
    ("§16.2 ends on a 调休 working Saturday: stays", date(2026, 1, 29), date(2026, 2, 28), date(2026, 3, 30)),
]


@pytest.mark.parametrize(("row", "received", "cooling", "appear"), PERIOD_ROWS, ids=[r[0] for r in PERIOD_ROWS])
def test_cooling_off_in_calendar_days(row, received, cooling, appear):
    periods = rules.divorce_periods(received, POLICY, Holidays(), 30)
    assert (periods.cooling_off_ends_on, periods.appear_by) == (cooling, appear)
    assert periods.deemed_withdrawn_on == date.fromordinal(appear.toordinal() + 1)
    assert len(periods.working) == 4


def test_withdraw_register_and_lapse_windows():
    periods = rules.divorce_periods(date(2025, 3, 3), POLICY, Holidays(), 30)
    assert rules.may_withdraw(periods, date(2025, 4, 2))
    assert not rules.may_withdraw(periods, date(2025, 4, 3))
    assert not rules.may_register_divorce(periods, date(2025, 4, 2))
    assert rules.may_register_divorce(periods, date(2025, 4, 3))
    assert rules.may_register_divorce(periods, date(2025, 5, 6))
    assert not rules.may_register_divorce(periods, date(2025, 5, 7))
    assert not rules.is_lapsed(periods, date(2025, 5, 6))
    assert rules.is_lapsed(periods, date(2025, 5, 7))


ANSWER_ROWS = [("in force", 1, 1, "yes"), ("all ended", 0, 2, "no"), ("no record", 0, 0, "unknown")]


@pytest.mark.parametrize(("row", "in_force", "any_record", "answer"), ANSWER_ROWS, ids=[r[0] for r in ANSWER_ROWS])
def test_marital_answer(row, in_force, any_record, answer):
    assert rules.marital_answer(in_force=in_force, any_record=any_record) == answer


def test_divorce_application_needs_both_and_an_agreement():
    decision = rules.check_divorce_application(marriage_in_force=True, agreement_signed=False, both_present=False)
    assert decision.rules == ["both_present", "agreement"]
    assert rules.check_divorce_application(marriage_in_force=True, agreement_signed=True, both_present=True).allowed
