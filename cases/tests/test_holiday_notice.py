"""Years the calendar package does not know (2027 and later today): deadlines in them are
provisional (暂定) until an administrator enters the State Council's holiday notice; the notice is
read as the State Council writes it; administrators are warned weeks ahead."""

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from cases import workdays
from cases.models import Case, CaseEvent, HolidayNotice, WorkdayOverride
from cases.services import accept_application
from cases.tests.factories import give_documents, item
from cases.workdays import (
    WorkCalendar,
    calendar_warnings,
    enter_holiday_notice,
    is_provisional,
    parse_holiday_notice,
)
from core.errors import DomainError

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"

# As a 2027 notice might read (the real one is not published yet): 春节 falls on 6 Feb 2027.
NOTICE_2027 = """一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月6日（农历除夕、周六）至2月14日（农历正月初八、周日）放假调休，共9天。2月20日（周六）上班。
三、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。"""


@pytest.fixture(autouse=True)
def _fresh_years():
    yield
    workdays._forget()


@pytest.mark.parametrize(
    ("year", "text"),
    [(2025, "holiday_notice_2025.txt"), (2026, "holiday_notice_2026.txt"), (2025, "holiday_notice_2025_full.txt")],
    ids=["2025 arrangements", "2026 arrangements", "2025 whole notice with title, preamble and signature date"],
)
def test_the_real_notices_read_as_published_give_the_packages_calendar_day_for_day(year, text):
    """The parser against the State Council's own text: with Monday–Friday for the days a notice
    does not name, every day of the year is what chinese-calendar (built from the same notice) says."""
    days = parse_holiday_notice(year, (DATA / text).read_text(encoding="utf-8"))
    day, wrong = date(year, 1, 1), []
    while day.year == year:
        if days.get(day, day.weekday() < 5) != chinese_calendar.is_workday(day):
            wrong.append(day)
        day += timedelta(days=1)
    assert wrong == []


LINES = [
    ("one day", "2027-10-11 上班", {date(2027, 10, 11): True}),
    ("a range with the month left out", "4月3日至5日放假", {date(2027, 4, d): False for d in (3, 4, 5)}),
    ("a list", "1月26日（周日）、2月8日（周六）上班", {date(2027, 1, 26): True, date(2027, 2, 8): True}),
    (
        "a range across months",
        "4月30日至5月2日放假",
        {date(2027, 4, 30): False, date(2027, 5, 1): False, date(2027, 5, 2): False},
    ),
]


@pytest.mark.parametrize(("rule", "line", "expected"), LINES, ids=[c[0] for c in LINES])
def test_notice_lines(rule, line, expected):
    assert parse_holiday_notice(2027, line + "\n1月1日放假") == {date(2027, 1, 1): False, **expected}


ERRORS = [
    ("a date that does not exist", "2月30日放假", "第1行：没有2月30日这一天"),
    ("another year", "2028-01-01 放假", "第1行：日期不在2027年"),
    ("neither off nor worked", "3月1日调整", "没有写明放假还是上班"),
    ("nothing off", "2月20日上班", "没有放假日"),
    ("the same day both ways", "1月1日放假\n1月1日上班", "第2行：1月1日前面已写为放假"),
]


@pytest.mark.parametrize(("rule", "text", "message"), ERRORS, ids=[c[0] for c in ERRORS])
def test_a_notice_that_cannot_be_read_is_refused_naming_the_line(rule, text, message):
    with pytest.raises(DomainError, match=message):
        parse_holiday_notice(2027, text)


def test_a_year_the_package_knows_needs_no_notice_and_is_not_provisional():
    assert not is_provisional(date(2026, 12, 31))
    with pytest.raises(DomainError, match="系统已内置"):
        enter_holiday_notice(year=2026, title="", text="1月1日放假")


def test_deadlines_in_2027_are_provisional_until_its_notice_is_entered_then_counted_with_it():
    cal = WorkCalendar()
    assert is_provisional(date(2027, 2, 10))
    # Monday–Friday meanwhile: 5 working days from Friday 5 Feb 2027 → Friday 12 Feb (provisional).
    assert cal.add_working_days(date(2027, 2, 5), 5) == date(2027, 2, 12)
    notice = enter_holiday_notice(year=2027, title="", number="国办发明电〔2026〕1号", text=NOTICE_2027)
    assert notice.title == "国务院办公厅关于2027年部分节假日安排的通知"
    assert not is_provisional(date(2027, 2, 10))
    # With the notice: 6–14 Feb off, Saturday 20 Feb worked → 15, 16, 17, 18, 19 Feb.
    assert WorkCalendar().add_working_days(date(2027, 2, 5), 5) == date(2027, 2, 19)
    assert WorkCalendar().is_workday(date(2027, 2, 20))
    assert is_provisional(date(2028, 1, 3))  # the next year waits for its own notice


def test_entering_again_replaces_the_years_days_all_or_nothing():
    enter_holiday_notice(year=2027, title="", text=NOTICE_2027)
    with pytest.raises(DomainError):
        enter_holiday_notice(year=2027, title="", text="10月1日至7日放假\n2月30日放假")
    assert WorkdayOverride.objects.filter(date__year=2027).count() == 3 + 9 + 1 + 7 + 2  # unchanged
    enter_holiday_notice(year=2027, title="更正", text="10月1日至7日放假")
    assert WorkdayOverride.objects.filter(date__year=2027).count() == 7
    assert HolidayNotice.objects.get(year=2027).title == "更正"


WARNINGS = [
    ("September: 2027 is more than twelve weeks away", date(2026, 9, 1), []),
    ("mid-October: warned, not yet urgent", date(2026, 10, 15), [(2027, False)]),
    ("December: urgent", date(2026, 12, 7), [(2027, True)]),
    ("in 2027 itself: urgent", date(2027, 3, 1), [(2027, True)]),
]


@pytest.mark.parametrize(("rule", "today", "expected"), WARNINGS, ids=[c[0] for c in WARNINGS])
def test_administrators_are_warned_weeks_ahead(rule, today, expected):
    assert [(w.year, w.urgent) for w in calendar_warnings(today)] == expected


def test_no_warning_once_entered():
    enter_holiday_notice(year=2027, title="", text=NOTICE_2027)
    assert calendar_warnings(date(2026, 12, 7)) == []


def test_an_open_case_due_in_2027_is_marked_then_recounted_when_the_notice_is_entered(
    client, worker_a, household, monkeypatch
):
    give_documents(
        household, ["id_card", "household_booklet", "application_form", "bank_card", "disability_certificate"]
    )
    case = accept_application(
        user=worker_a, item=item("disability_living"), household=household, on_date=date(2027, 1, 25)
    ).case
    assert case.due_on.year == 2027
    client.force_login(worker_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "暂定" in page
    api = client.get(f"/api/v1/cases/{case.pk}").json()
    assert api["due_on_provisional"] is True and api["steps"][0]["due_on_provisional"] is True
    counted_monday_to_friday = case.due_on
    enter_holiday_notice(year=2027, title="", text=NOTICE_2027)
    case.refresh_from_db()
    # The same working days counted with the notice: the nine days of the Spring Festival push it on.
    expected = WorkCalendar().add_working_days(
        date(2027, 1, 25), WorkCalendar({}).working_days_between(date(2027, 1, 25), counted_monday_to_friday)
    )
    assert case.due_on == expected and case.due_on > counted_monday_to_friday
    assert CaseEvent.objects.filter(case=case, text__contains="录入2027年节假日安排后").exists()
    assert "暂定" not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert client.get(f"/api/v1/cases/{case.pk}").json()["due_on_provisional"] is False
    assert Case.objects.get(pk=case.pk).due_on == expected


def test_the_calendar_page_for_administrators_only(client, township_a, monkeypatch):
    admin = StaffFactory(unit=township_a, roles=["admin"])
    clerk = StaffFactory(unit=township_a, roles=["clerk"])
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 12, 7))
    client.force_login(clerk)
    assert client.get(reverse("cases:calendar")).status_code == 403
    assert "calendar-warning" not in client.get(reverse("home")).content.decode()
    client.force_login(admin)
    home = client.get(reverse("home")).content.decode()
    assert "2027年节假日安排尚未录入" in home
    bad = client.post(reverse("cases:calendar"), {"year": 2027, "text": "2月30日放假"})
    assert bad.status_code == 400 and "没有2月30日这一天" in bad.content.decode()
    done = client.post(
        reverse("cases:calendar"), {"year": 2027, "number": "国办发明电〔2026〕1号", "text": NOTICE_2027}
    )
    assert done.status_code == 302
    page = client.get(reverse("cases:calendar")).content.decode()
    assert "已录入2027年节假日安排：放假19天，调休上班3天" in page
    assert "2027年节假日安排尚未录入" not in page
    from audit.models import AuditEntry

    entry = AuditEntry.unscoped.get(object_repr="录入2027年节假日安排")
    assert entry.username == admin.username and entry.changes["放假天数"] == 19


def test_an_open_transfer_in_2027_is_recounted_too(worker_a, clerk_a, disabled_federation, household):
    from cases.actions import approve_step
    from cases.models import CaseStep
    from cases.transfers import transfer_case

    give_documents(
        household, ["id_card", "household_booklet", "application_form", "bank_card", "disability_certificate"]
    )
    case = accept_application(
        user=worker_a, item=item("disability_living"), household=household, on_date=date(2027, 1, 29)
    ).case
    step = CaseStep.objects.get(case=case, state=CaseStep.State.ACTIVE)
    approve_step(user=worker_a, step_id=step.pk, expected_version=step.row_version, on_date=date(2027, 2, 1))
    review = CaseStep.objects.get(case=case, state=CaseStep.State.ACTIVE)
    transfer = transfer_case(
        user=clerk_a,
        step_id=review.pk,
        expected_version=review.row_version,
        to_unit=disabled_federation,
        request="请核实残疾等级",
        on_date=date(2027, 2, 3),
    )
    counted_monday_to_friday = transfer.due_on
    enter_holiday_notice(year=2027, title="", text=NOTICE_2027)
    transfer.refresh_from_db()
    days = WorkCalendar({}).working_days_between(date(2027, 2, 3), counted_monday_to_friday)
    assert transfer.due_on == WorkCalendar().add_working_days(date(2027, 2, 3), days) > counted_monday_to_friday
