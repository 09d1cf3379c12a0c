"""Assignment of warnings: the village 民生员, else the township 民政办 — never back into the pile —
and linear: a new warning moves only itself, and many warnings cost no more statements than one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Unit
from accounts.tests.factories import UnitFactory, ensure_area
from monitoring import services
from monitoring.models import Warning, WarningEvent
from verification.tests.factories import DAY, family

pytestmark = pytest.mark.django_db
QUIET_VILLAGE = "430522100202"  # a committee, no worker account
NO_COMMITTEE = "430522100203"  # no village unit at all


def warning(household, key, stage=Warning.Stage.UNASSIGNED):
    return Warning.objects.create(
        natural_key=key,
        signal="illness",
        risk="medium",
        household=household,
        raised_on=DAY,
        due_on=DAY,
        area_code=household.area_code,
        stage=stage,
    )


@pytest.fixture
def quiet_village(township_a):
    ensure_area(QUIET_VILLAGE, "城东社区")
    return UnitFactory(
        name="城东社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=QUIET_VILLAGE, parent=township_a
    )


def test_a_village_without_a_worker_account_hands_its_warnings_to_the_township(
    worker_a, clerk_a, township_a, quiet_village
):
    ensure_area(NO_COMMITTEE, "城南社区")
    watched = warning(family(), "a")
    quiet = warning(family(area=QUIET_VILLAGE), "b")
    lost = warning(family(area=NO_COMMITTEE), "c")

    assert services.assign_unassigned(DAY) == 3

    rows = {w.natural_key: w for w in Warning.objects.select_related("assigned_unit")}
    assert (rows["a"].stage, rows["a"].assigned_to, rows["a"].assigned_unit) == ("assigned", worker_a, worker_a.unit)
    for key in ("b", "c"):  # the township answers, its clerk who handles warnings by name
        assert (rows[key].stage, rows[key].assigned_unit, rows[key].assigned_to) == ("assigned", township_a, clerk_a)
    said = dict(WarningEvent.objects.filter(stage="assigned").values_list("warning_id", "text"))
    assert said[watched.pk] == "分派给城西社区居委会民生员赵民生"
    assert said[quiet.pk] == "分派给酿溪镇民政办（所在村无民生员账号）李经办"
    assert "所在村无村(居)委会" in said[lost.pk]
    assert services.assign_unassigned(DAY) == 0  # nothing left in the pile to go round again


def test_a_township_office_without_staff_still_answers_for_the_warning(township_a, quiet_village):
    quiet = warning(family(area=QUIET_VILLAGE), "b")
    services.assign_unassigned(DAY)
    quiet.refresh_from_db()
    assert (quiet.stage, quiet.assigned_unit, quiet.assigned_to) == ("assigned", township_a, None)


def test_raising_a_warning_assigns_only_that_warning(worker_a):
    household = family()
    waiting = warning(household, "waiting")  # left unassigned by an earlier run
    raised = services.raise_warning(household=household, signal="illness", on_date=DAY, natural_key="new")
    assert (raised.stage, raised.assigned_to) == ("assigned", worker_a)
    waiting.refresh_from_db()
    assert waiting.stage == "unassigned"  # not re-assigned by every new warning


def test_assignment_costs_the_same_statements_for_one_warning_or_many(worker_a, quiet_village):
    one = family()
    warning(one, "first")
    with CaptureQueriesContext(connection) as single:
        services.assign_unassigned(DAY)
    for n in range(12):
        warning(family(area=QUIET_VILLAGE if n % 2 else one.area_code), f"many-{n}")
    with CaptureQueriesContext(connection) as many:
        assert services.assign_unassigned(DAY) == 12
    # two targets (the worker, the township) instead of one: one UPDATE more, nothing per warning
    assert len(many.captured_queries) == len(single.captured_queries) + 1
