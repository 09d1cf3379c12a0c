"""环节日汇总: the step indicators read from the day figures equal the direct count of the steps (the
SQL twin of `computed_figures`, on the hand-counted November of test_evaluation), a step finished
today shows after the nightly refresh, the page says how fresh the figures are, and the drill-down
pages through the late steps first."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import CaseStep
from supervision import aggregates
from supervision import evaluation as service
from supervision.aggregates import AGGREGATED, refresh_nightly, refresh_step_days, step_figures
from supervision.indicators import computed_figures
from supervision.models import StepDay, SubjectType
from supervision.tests.test_evaluation import NOV, month  # noqa: F401 - the hand-counted month

pytestmark = pytest.mark.django_db


def test_the_day_figures_answer_the_step_indicators_as_the_steps_do(month):  # noqa: F811
    a, b = month["a"].pk, month["b"].pk
    clerk_a, clerk_b = month["clerk_a"].pk, month["clerk_b"].pk
    assert step_figures("step_on_time_rate", NOV) == {}  # nothing aggregated yet
    refresh_step_days()
    hand_counted = {
        "step_on_time_rate": {a: (2, 3), b: (0, 1)},
        "overdue_steps": {a: (1, None), b: (2, None)},
        "person_step_on_time_rate": {clerk_a: (2, 3), clerk_b: (0, 1)},
        "person_late_steps": {clerk_a: (1, None), clerk_b: (1, None)},
    }
    assert set(hand_counted) == set(AGGREGATED)
    for code, expected in hand_counted.items():
        assert step_figures(code, NOV) == computed_figures(code, NOV) == expected, code
    # rebuilding only the days from mid-November on gives the same rows as rebuilding everything
    full = sorted(StepDay.objects.values_list("kind", "day", "unit_id", "person_id", "total", "on_time"))
    refresh_step_days(NOV + timedelta(days=14))
    assert sorted(StepDay.objects.values_list("kind", "day", "unit_id", "person_id", "total", "on_time")) == full
    # and the month's scores from the day figures are those from the steps
    evaluation = service.evaluation_for("430522000000", NOV)
    service.compute_month(evaluation, refresh=False)
    result = evaluation.results.get(subject_type=SubjectType.TOWNSHIP_OFFICE, name="酿溪镇民政办")
    line = result.lines.get(indicator__computation="step_on_time_rate")
    assert (line.numerator, line.denominator) == (2, 3)


def test_a_step_finished_today_counts_after_the_nightly_refresh(month, client, auditor):  # noqa: F811
    from jobs.periodic import periodic

    # the scheduler runs it every night (and rebuilds everything monthly)
    assert periodic("supervision.refresh_step_days").run is refresh_nightly
    assert periodic("supervision.rebuild_step_days").run is aggregates.rebuild_monthly
    today = timezone.localdate()
    this_month = today.replace(day=1)
    refresh_nightly(today)
    assert step_figures("step_on_time_rate", this_month).get(month["a"].pk) is None
    step = CaseStep.objects.filter(state=CaseStep.State.PENDING).first()
    CaseStep.objects.filter(pk=step.pk).update(
        state=CaseStep.State.DONE,
        responsible_unit=month["a"],
        acted_by=month["clerk_a"],
        due_on=today + timedelta(days=5),
        finished_on=today,
    )
    assert step_figures("step_on_time_rate", this_month).get(month["a"].pk) is None  # as of the last refresh
    done = refresh_nightly(today)
    assert done["汇总行数"] >= 1
    assert step_figures("step_on_time_rate", this_month)[month["a"].pk] == (1, 1)
    assert step_figures("person_step_on_time_rate", this_month)[month["clerk_a"].pk] == (1, 1)
    # the ranking page says what is pre-aggregated and when it was last refreshed, in local time
    evaluation = service.evaluation_for("430522000000", this_month)
    service.compute_month(evaluation, refresh=False)
    client.force_login(auditor)
    page = client.get(f"/supervision/evaluations/{evaluation.pk}/").content.decode()
    local = timezone.localtime(aggregates.last_refresh().finished_at)
    assert "环节按时办结率" in page and "取自“环节日汇总”" in page
    assert f"汇总最近刷新于{local:%Y}年{local.month}月{local.day}日 {local:%H:%M}" in page


def test_the_drill_down_pages_through_the_late_steps_first(month, client, auditor, monkeypatch):  # noqa: F811
    from supervision.views import evaluation as views

    monkeypatch.setattr(views, "DRILL_PAGE", 1)
    evaluation = service.evaluation_for("430522000000", NOV)
    service.compute_month(evaluation)
    result = evaluation.results.get(subject_type=SubjectType.TOWNSHIP_OFFICE, name="酿溪镇民政办")
    line = result.lines.get(indicator__computation="step_on_time_rate")
    client.force_login(auditor)
    url = f"/supervision/results/{result.pk}/drill/{line.indicator_id}/"
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2, 3)]
    assert "完成 2025-11-12" in pages[0] and "下一页" in pages[0]  # the late one (due 11-10) first
    assert "未按时的记录（当前1条）排在前面" in pages[0]
    assert "完成 2025-11-05" in pages[1] and "上一页" in pages[1] and "下一页" in pages[1]
    assert "完成 2025-11-20" in pages[2] and "下一页" not in pages[2]
    assert client.get(url, {"page": "x"}).status_code == 200  # a bad page number is the first page
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    details = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(details) == 3 and "完成 2025-11-12" in details[0]  # every record, the late one first
