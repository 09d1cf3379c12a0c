"""Grid events: a grid worker's report is stored once however often the phone sends it; hand-offs
climb with the level's deadline; an overdue event is supervised like 督办, once per level."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from areas.jurisdiction import scope_for_user, within
from core.errors import DomainError
from grid import services
from grid.models import EventStep, GridEvent, Level, TriageLimit, Urgency

pytestmark = pytest.mark.django_db
PHOTO = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAP//////////////////////////////////////////"


def report(user, **kwargs):
    fields = {
        "user": user,
        "client_id": uuid.uuid4(),
        "category_code": "elderly_alone",
        "description": "3组王奶奶独居，三天没人送饭",
        "urgency": Urgency.NORMAL,
    }
    fields.update(kwargs)
    with within(scope_for_user(user)):
        return services.report_event(**fields)


def test_a_report_sent_twice_is_stored_once_with_its_photo(grid_worker, household):
    client_id = uuid.uuid4()
    first = report(grid_worker, client_id=client_id, household=household, photos=[PHOTO], latitude="27.3561")
    again = report(grid_worker, client_id=str(client_id), household=household, photos=[PHOTO])
    assert first.created and not again.created
    assert again.event.pk == first.event.pk
    assert GridEvent.objects.count() == 1
    event = first.event
    assert event.photos.count() == 1
    assert (event.level, event.handler_unit, event.area_code) == (Level.GRID, grid_worker.unit, household.area_code)
    assert event.due_at is not None  # the grid's own limit runs from the report
    assert event.steps.get().kind == EventStep.Kind.REPORTED


def test_an_emergency_goes_to_110_at_once(grid_worker):
    event = report(grid_worker, urgency=Urgency.EMERGENCY).event
    assert event.level == Level.POLICE
    assert "110" in event.steps.get().text
    assert event.due_at - event.received_at <= timedelta(hours=1, seconds=5)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"category_code": "nope"}, "请选择事件类别"),
        ({"description": "  "}, "请填写情况描述"),
        ({"client_id": "not-an-id"}, "记录编号不正确"),
        ({"photos": ["not a photo"]}, "照片格式不正确"),
        ({"latitude": "200"}, "定位数据不正确"),
    ],
)
def test_bad_reports_are_refused_with_a_reason_and_store_nothing(grid_worker, fields, message):
    with pytest.raises(DomainError, match=message):
        report(grid_worker, **fields)
    assert not GridEvent.objects.exists()


def test_only_workers_who_report_may_report(clerk_a, approver):
    with pytest.raises(DomainError, match="没有上报"):
        report(approver)


def test_a_handoff_climbs_with_the_levels_deadline_and_never_goes_down(grid_worker, clerk_a):
    event = report(grid_worker).event
    with within(scope_for_user(clerk_a)):
        services.hand_off(event, user=clerk_a, level=Level.TOWNSHIP, note="村里解决不了")
        assert event.handler_unit == clerk_a.unit
        limit = TriageLimit.objects.get(level=Level.TOWNSHIP, urgency=Urgency.NORMAL)
        assert limit.working_days and event.due_at > timezone.now() + timedelta(days=limit.working_days - 1)
        with pytest.raises(DomainError, match="更高一级"):
            services.hand_off(event, user=clerk_a, level=Level.VILLAGE)
    step = event.steps.filter(kind=EventStep.Kind.HANDOFF).get()
    assert (step.to_unit, step.due_at) == (clerk_a.unit, event.due_at)


def test_an_urgent_handoff_counts_clock_hours(grid_worker, clerk_a):
    event = report(grid_worker, urgency=Urgency.URGENT).event
    with within(scope_for_user(clerk_a)):
        services.hand_off(event, user=clerk_a, level=Level.TOWNSHIP)
    hours = TriageLimit.objects.get(level=Level.TOWNSHIP, urgency=Urgency.URGENT).hours
    assert abs((event.due_at - timezone.now()) - timedelta(hours=hours)) < timedelta(minutes=1)


def test_the_other_township_cannot_hand_it_on(grid_worker, clerk_b):
    event = report(grid_worker).event
    with within(scope_for_user(clerk_b)), pytest.raises(DomainError, match="不能流转"):
        services.hand_off(event, user=clerk_b, level=Level.TOWNSHIP)


def test_an_overdue_event_is_supervised_once_per_level(grid_worker, clerk_a):
    event = report(grid_worker).event
    with within(scope_for_user(clerk_a)):
        services.hand_off(event, user=clerk_a, level=Level.TOWNSHIP)
    period = event.due_at - timezone.now()
    assert services.supervise_overdue(now=event.due_at - timedelta(minutes=1)) == {"超期督办": 0}
    assert services.supervise_overdue(now=event.due_at + timedelta(minutes=1)) == {"超期督办": 1}
    assert services.supervise_overdue(now=event.due_at + timedelta(minutes=2)) == {"超期督办": 0}
    event.refresh_from_db()
    assert event.supervised_level == 1
    # still open a whole deadline later: raised to the second level
    assert services.supervise_overdue(now=event.due_at + period + timedelta(minutes=5)) == {"超期督办": 1}
    texts = list(event.steps.filter(kind=EventStep.Kind.SUPERVISED).values_list("text", flat=True))
    assert texts == ["1级督办：已超过办理期限", "2级督办：已超过办理期限"]
    from cases.models import Notification

    # the township office and the bureau above it read the 督办 on their queue page
    first = Notification.objects.filter(text__startswith="督办（1级）：网格事件“独居老人无人照料”")
    assert set(first.values_list("unit", flat=True)) == {clerk_a.unit_id, clerk_a.unit.parent_id}


def test_supervision_stops_at_the_highest_level_of_the_dated_policy(grid_worker, clerk_a):
    from cases.models import SupervisionPolicy

    SupervisionPolicy.objects.create(effective_from=timezone.localdate() - timedelta(days=1), max_level=1)
    event = report(grid_worker).event
    with within(scope_for_user(clerk_a)):
        services.hand_off(event, user=clerk_a, level=Level.TOWNSHIP)
    period = event.due_at - timezone.now()
    assert services.supervise_overdue(now=event.due_at + timedelta(minutes=1)) == {"超期督办": 1}
    # three deadlines later the event is still at the policy's highest level, 1
    assert services.supervise_overdue(now=event.due_at + 3 * period + timedelta(minutes=5)) == {"超期督办": 0}
    event.refresh_from_db()
    assert event.supervised_level == 1


def test_resolve_then_close_with_the_residents_satisfaction(grid_worker, clerk_a):
    event = report(grid_worker).event
    with within(scope_for_user(clerk_a)):
        with pytest.raises(DomainError, match="只有已办结"):
            services.close(event, user=clerk_a, satisfaction="满意")
        services.resolve(event, user=clerk_a, result="已联系其子女轮流照料")
        services.close(event, user=clerk_a, satisfaction="满意")
    event.refresh_from_db()
    assert (event.status, event.satisfaction) == (GridEvent.Status.CLOSED, "满意")
    assert services.supervise_overdue(now=timezone.now() + timedelta(days=60)) == {"超期督办": 0}


def test_an_event_becomes_a_monitoring_warning(grid_worker, clerk_a, household, minsheng):
    from monitoring.models import Signal, Warning

    event = report(grid_worker, household=household).event
    with within(scope_for_user(clerk_a)):
        number = services.raise_warning(event, user=clerk_a)
    warning = Warning.objects.get(natural_key=f"grid:{event.client_id}")
    assert number == f"预警{warning.pk}"
    assert (warning.signal, warning.assigned_to) == (Signal.FIELD_REPORT, minsheng)
    event.refresh_from_db()
    assert (event.outcome, event.outcome_ref) == (GridEvent.Outcome.WARNING, number)


def test_an_event_opens_an_application_with_the_household_filled_in(grid_worker, clerk_a, household):
    event = report(grid_worker, household=household).event
    with within(scope_for_user(clerk_a)):
        case = services.open_application(event, user=clerk_a, item_code="temp_emergency")
    assert case.household == household
    event.refresh_from_db()
    assert event.outcome_ref == case.receipt_no


def test_supervising_reads_every_overdue_event_in_one_query_whatever_their_number(grid_worker, clerk_a):
    """超期督办 reads each event's last step with the events (no query per overdue event): a run that
    raises nothing costs the same with one overdue event as with four, and still raises what is due."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    events = [report(grid_worker).event for _ in range(4)]
    with within(scope_for_user(clerk_a)):
        for event in events:
            services.hand_off(event, user=clerk_a, level=Level.TOWNSHIP)
    first, *others = events
    late = first.due_at + timedelta(minutes=1)
    GridEvent.objects.filter(pk__in=[e.pk for e in others]).update(due_at=late + timedelta(days=30))
    assert services.supervise_overdue(now=late) == {"超期督办": 1}
    with CaptureQueriesContext(connection) as one:
        assert services.supervise_overdue(now=late + timedelta(minutes=1)) == {"超期督办": 0}
    GridEvent.objects.filter(pk__in=[e.pk for e in others]).update(due_at=first.due_at, supervised_level=1)
    with CaptureQueriesContext(connection) as four:
        assert services.supervise_overdue(now=late + timedelta(minutes=1)) == {"超期督办": 0}
    assert len(four.captured_queries) == len(one.captured_queries)
