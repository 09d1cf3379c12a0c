"""Objections to a notice, complaints with a working-day deadline and their 督办, bookings that
become a worker's or a window's work, and the household's 明白卡."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Notification
from cases.workdays import WorkCalendar
from core.errors import DomainError
from ledger import services as ledger
from policy.programmes import Programme
from portal import services
from portal.models import Booking, ComplaintLimit, ConductSupervisor, ServicePoint
from portal.tests.factories import resolve_by_appraisal, running_notice

pytestmark = pytest.mark.django_db

FRIDAY = date(2025, 9, 26)  # National Day holidays follow: 1–8 October 2025
CALENDAR = WorkCalendar(
    {date(2025, 9, 28): True, **{date(2025, 10, d): False for d in range(1, 9)}, date(2025, 10, 11): True}
)


def test_a_resident_objects_to_a_notice_and_reads_the_answer(resident_client, resident, other_household, clerk_a):
    today = timezone.localdate()
    notice = running_notice(other_household, clerk_a, today)
    page = resident_client.get("/my/notices/").content.decode()
    assert "李*户" in page
    response = resident_client.post(f"/my/notices/{notice.token}/object/", {"content": "他家有小车，不符合条件"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "objected"
    assert "待复查" in resident_client.get("/my/notices/").content.decode()
    resolve_by_appraisal(notice, clerk_a, today, "经民主评议，车辆已于去年出售，符合条件")
    answer = resident_client.get("/my/notices/").content.decode()
    assert "车辆已于去年出售" in answer and "异议不成立" in answer  # the resident reads whether it was upheld


def test_objecting_to_another_villages_notice_is_404(resident_client, resident, clerk_b):
    from registry.tests.factories import HouseholdFactory

    far = HouseholdFactory(area_code="430522101201")
    notice = running_notice(far, clerk_b, timezone.localdate())
    assert resident_client.post(f"/my/notices/{notice.token}/object/", {"content": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("filed", "working_days", "due"),
    [
        (FRIDAY, 15, date(2025, 10, 23)),  # 28 Sep and 11 Oct are working days, 1–8 Oct are not
        (date(2025, 9, 1), 15, date(2025, 9, 22)),
        (FRIDAY, 5, date(2025, 10, 10)),
    ],
)
def test_complaint_deadline_on_the_working_day_calendar(resident, household, township_a, filed, working_days, due):
    ComplaintLimit.objects.update(working_days=working_days)
    complaint = services.file_complaint(
        resident, household, kind="delay", content="材料交了一个月还没结果", on_date=filed, calendar=CALENDAR
    )
    assert complaint.due_on == due
    assert complaint.number.startswith("TS430522")


def test_a_later_dated_limit_applies_from_its_day(resident, household, township_a):
    ComplaintLimit.objects.create(working_days=10, effective_from=date(2025, 9, 20), basis="新规定")
    early = services.file_complaint(
        resident, household, kind="other", content="a", on_date=date(2025, 9, 1), calendar=CALENDAR
    )
    late = services.file_complaint(resident, household, kind="other", content="b", on_date=FRIDAY, calendar=CALENDAR)
    assert "15" in early.limit_basis and "10" in late.limit_basis


def test_overdue_complaint_is_supervised_once_and_answered(
    resident_client, resident, household, clerk_a, county_bureau, client
):
    complaint = services.file_complaint(
        resident, household, kind="delay", content="拖延", on_date=date(2025, 9, 1), calendar=CALENDAR
    )
    assert services.supervise_overdue_complaints(date(2025, 9, 22)) == {"supervised": 0}
    assert services.supervise_overdue_complaints(date(2025, 9, 23)) == {"supervised": 1}
    assert services.supervise_overdue_complaints(date(2025, 9, 24)) == {"supervised": 0}
    complaint.refresh_from_db()
    assert complaint.supervised_level == 1
    assert Notification.objects.filter(unit=county_bureau, text__contains="督办").exists()
    staff = client.__class__()
    staff.force_login(clerk_a)
    assert "已督办" in staff.get("/my/desk/").content.decode()
    staff.post(f"/my/desk/complaints/{complaint.pk}/", {"answer": "已催办，9月25日办结"})
    page = resident_client.get(f"/my/complaints/{complaint.pk}/").content.decode()
    assert "已答复" in page and "9月25日办结" in page


def test_an_empty_complaint_is_a_chinese_400(resident_client, household, township_a):
    response = resident_client.post("/my/complaints/", {"kind": "delay", "content": " "})
    assert response.status_code == 400 and "请填写投诉内容" in response.content.decode()


def test_home_service_goes_to_the_contact_worker_and_is_done(resident, household, worker_a, client):
    from grid.visits import assign_contacts

    assign_contacts([household], worker_a, on_date=date(2025, 1, 1))
    when = timezone.now() + timedelta(days=2)
    booking = services.book(resident, household, kind=Booking.Kind.HOME, starts_at=when, need="帮老人办高龄津贴")
    assert booking.worker == worker_a
    staff = client.__class__()
    staff.force_login(worker_a)
    home = staff.get("/").content.decode()
    assert "上门与错时服务" in home and "王*兰户" in home  # 民生员 home card, with the time
    staff.post("/my/desk/bookings/", {"booking": booking.pk, "result": "已上门采集材料"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DONE and booking.done_by == worker_a


def test_off_hours_appointment_goes_to_the_points_window(resident, household, clerk_a):
    point = ServicePoint.objects.create(
        kind="centre",
        name="酿溪镇便民服务中心",
        address="酿溪镇",
        hours="工作日",
        off_hours="周六上午",
        unit=clerk_a.unit,
        area_code="430522100000",
    )
    when = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=3), datetime.min.time())
    ) + timedelta(hours=9)
    booking = services.book(
        resident, household, kind=Booking.Kind.OFF_HOURS, starts_at=when, need="补材料", point=point
    )
    assert booking.unit == clerk_a.unit and list(services.bookings_for(clerk_a)) == [booking]
    with pytest.raises(DomainError, match="晚于现在"):
        services.book(resident, household, kind=Booking.Kind.OFF_HOURS, starts_at=timezone.now(), need="x", point=point)


def test_service_points_are_public(client, township_a):
    ServicePoint.objects.create(
        kind="station", name="城西社区服务站", address="城西路1号", hours="8:00-17:30", area_code="430522100201"
    )
    page = client.get("/my/points/").content.decode()
    assert "城西社区服务站" in page and "城西路1号" in page


def test_clarity_card_shows_amount_standard_review_and_supervisors(resident_client, household, worker_a):
    ledger.enrol(
        programme=Programme.DIBAO,
        household=household,
        monthly_amount=Decimal("520"),
        decided_on=date(2025, 6, 10),
        working={"working": "（低保标准550元 − 人均收入30元）× 1人 = 520元"},
    )
    ConductSupervisor.objects.create(name="周监督", phone="0739-1234567", title="县人大代表", area_code="430522100000")
    page = resident_client.get("/my/card/").content.decode()
    assert "520" in page and "人均收入30元" in page and "周监督" in page and "下次复核" in page
    assert "data-print" in page
