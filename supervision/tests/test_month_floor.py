"""The month bench's floor (bench/supervision.py) is the same work as the month's computation: its
bare GROUP BYs answer every computed figure of the hand-counted November as `compute_month` reads
them (the SQL twin of the figures; PostgreSQL SQL: GROUPING SETS, = ANY), and its snapshot rewrite
leaves the month as it was."""

import pytest
from django.db import connection

from bench import supervision as month_bench
from supervision import aggregates
from supervision import evaluation as service
from supervision.models import ScoreLine, SubjectResult
from supervision.tests.test_evaluation import NOV, month  # noqa: F401 - the hand-counted month

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the floor is PostgreSQL SQL"),
]


def test_the_floor_answers_every_figure_as_the_computation_does(month):  # noqa: F811
    aggregates.refresh_step_days()
    month_bench._check_floor_answers(NOV, "430522")  # raises on the first figure that differs
    with connection.cursor() as cursor:
        answers = month_bench._floor_figures(cursor, NOV, "430522")
    assert answers["supervisions_received"] and answers["returns_for_correction"] and answers["audit_findings"]
    evaluation = service.evaluation_for("430522000000", NOV)
    service.compute_month(evaluation, refresh=False)
    before = sorted(ScoreLine.objects.filter(result__evaluation=evaluation).values_list("indicator_id", "score"))
    month_bench._month_floor(evaluation.pk, NOV, "430522")
    assert SubjectResult.objects.filter(evaluation=evaluation).count() > 0
    after = sorted(ScoreLine.objects.filter(result__evaluation=evaluation).values_list("indicator_id", "score"))
    assert after == before  # rolled back
