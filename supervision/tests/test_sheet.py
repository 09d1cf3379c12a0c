"""The ranking sheet as the auditor reads it: every subject's figures, rank and links (the hand-counted
November of test_evaluation); a county with more subjects than a screen holds pages on screen while
the print and the Excel file keep every subject; and the page's statements do not grow with the
number of subjects."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from supervision import evaluation as service
from supervision.models import Indicator, ScoreLine, SubjectResult, SubjectType
from supervision.sheet import SCREEN_PAGE
from supervision.tests.test_evaluation import NOV, month  # noqa: F401 - the hand-counted month

pytestmark = pytest.mark.django_db


def _rows(page: str) -> list[str]:
    return page.split('data-testid="rank-row"')[1:]


def test_each_subject_shows_its_rank_total_and_every_figure_opening_its_records(month, client, auditor):  # noqa: F811
    evaluation = service.evaluation_for("430522000000", NOV)
    service.compute_month(evaluation)
    client.force_login(auditor)
    page = client.get(f"/supervision/evaluations/{evaluation.pk}/", {"type": SubjectType.TOWNSHIP_OFFICE})
    rows = _rows(page.content.decode())
    results = list(evaluation.results.filter(subject_type=SubjectType.TOWNSHIP_OFFICE).order_by("rank", "name"))
    assert len(rows) == len(results) == 2
    for row, result in zip(rows, results, strict=True):
        assert f"<td>{result.rank}</td>" in row and f'data-testid="total">{result.total}</td>' in row
        assert f'href="/supervision/history/unit/{result.unit_id}/" title="历月趋势">{result.name}</a>' in row
        for line in result.lines.all():
            assert f'href="/supervision/results/{result.pk}/drill/{line.indicator_id}/">{line.score}</a>' in row
    a = rows[[r.name for r in results].index("酿溪镇民政办")]
    assert "2/3（66.67%）" in a  # 酿溪镇's steps: 2 of 3 finished on time, counted by hand
    printed = client.get(f"/supervision/evaluations/{evaluation.pk}/", {"print": 1}).content.decode()
    assert "2/3（66.67%）" in printed and "/drill/" not in printed  # the print: figures without links


def _subjects(evaluation, n: int, person) -> list[SubjectResult]:
    """n 民生员 results of the month, ranked 1..n, each scored on the type's indicators (one account
    stands for them all: the sheet reads the results, not the people)."""
    indicators = list(Indicator.objects.filter(subject_type=SubjectType.LIVELIHOOD_WORKER, is_active=True))
    results = SubjectResult.objects.bulk_create(
        SubjectResult(
            evaluation=evaluation,
            subject_type=SubjectType.LIVELIHOOD_WORKER,
            person=person,
            name=f"民生员{i:03d}",
            total=Decimal(100) - Decimal(i) / 10,
            rank=i,
            area_code="430522100000",
        )
        for i in range(1, n + 1)
    )
    ScoreLine.objects.bulk_create(
        ScoreLine(result=r, indicator=i, numerator=3, denominator=4, value=Decimal("75.00"), score=i.weight)
        for r in results
        for i in indicators
    )
    return results


def test_more_subjects_than_a_screen_page_through_while_print_and_excel_hold_them_all(client, auditor):
    evaluation = service.evaluation_for("430522000000", NOV)
    count = SCREEN_PAGE + 50
    _subjects(evaluation, count, auditor)
    client.force_login(auditor)
    url = f"/supervision/evaluations/{evaluation.pk}/"
    first = client.get(url, {"type": SubjectType.LIVELIHOOD_WORKER}).content.decode()
    assert len(_rows(first)) == SCREEN_PAGE and "民生员001" in first and "民生员101" not in first
    assert f"本类共{count}个考核对象，屏幕上每页显示{SCREEN_PAGE}个" in first and "下一页" in first
    assert "“打印排名表”和“导出Excel”包含全部" in first
    second = client.get(url, {"type": SubjectType.LIVELIHOOD_WORKER, "page": 2}).content.decode()
    assert len(_rows(second)) == 50 and "民生员101" in second and "上一页" in second and "下一页" not in second
    beyond = client.get(url, {"type": SubjectType.LIVELIHOOD_WORKER, "page": "9" * 30})
    assert beyond.status_code == 200 and "民生员150" in beyond.content.decode()  # the last page
    printed = client.get(url, {"type": SubjectType.LIVELIHOOD_WORKER, "print": 1}).content.decode()
    assert len(_rows(printed)) == count and "下一页" not in printed
    xlsx = client.get(url, {"type": SubjectType.LIVELIHOOD_WORKER, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [f"民生员{i:03d}" for i in range(1, count + 1)]
    # a 讲评 saved on the second page comes back to the second page
    result = SubjectResult.objects.get(evaluation=evaluation, name="民生员120")
    saved = client.post(
        f"{url}?type={SubjectType.LIVELIHOOD_WORKER}",
        {"action": "comment", "result": result.pk, "comment": "走访及时", "page": 2},
    )
    assert saved.status_code == 302 and saved["Location"].endswith("&page=2")
    assert "走访及时" in client.get(saved["Location"]).content.decode()


def test_the_sheet_reads_in_as_many_statements_for_ten_subjects_as_for_three_hundred(client, auditor):
    small = service.evaluation_for("430522000000", NOV)
    large = service.evaluation_for("430522000000", NOV.replace(month=10))
    _subjects(small, 10, auditor)
    _subjects(large, 300, auditor)
    client.force_login(auditor)

    def statements(evaluation, **params) -> int:
        client.get(f"/supervision/evaluations/{evaluation.pk}/", params)  # the session read once before
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/supervision/evaluations/{evaluation.pk}/", params).status_code == 200
        return len(queries)

    assert statements(small) == statements(large)
    assert statements(small, print=1) == statements(large, print=1)
