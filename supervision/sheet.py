"""The ranking sheet of one month and subject type — indicators as columns, subjects in rank order as
rows — as the screen, the print and the Excel file show it.

Read in a fixed number of statements whatever the number of subjects (the types present, the
columns, the count, the rows wanted and their figures: `values()`, no model instances), and each
row's figure cells built once as ready text with one `reverse()` per page, not per cell: a county's
hundreds of 民生员 at thirteen figures each made a template branch and a URL lookup per cell the
page's main cost. The screen shows `SCREEN_PAGE` subjects a page; the print and the Excel file
always hold every subject (a bureau prints the whole ranking on one sheet)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from supervision.models import Evaluation, Indicator, ScoreLine, SubjectType

SCREEN_PAGE = 100


@dataclass(frozen=True)
class Column:
    pk: int
    name: str
    weight: Decimal


@dataclass(frozen=True)
class Figure:
    """One subject's snapshotted figure for one indicator."""

    indicator_id: int
    numerator: int | None
    denominator: int | None
    value: Decimal | None
    score: Decimal


@dataclass
class Row:
    pk: int
    rank: int
    name: str
    total: Decimal
    comment: str
    unit_id: int | None
    person_id: int | None
    figures: list[Figure | None] = field(default_factory=list)
    history_url: str = ""
    cells_html: SafeString | str = ""


def line_text(figure) -> str:
    """What a figure stands on, under its score: 12/15（80.00%）, a count, 本月无, 未录入 or —."""
    if figure is None:
        return "—"
    if figure.numerator is None:
        return "未录入"
    if figure.denominator:
        return f"{figure.numerator}/{figure.denominator}（{figure.value}%）"
    if figure.denominator == 0:
        return "本月无"
    return str(figure.numerator)


def subject_types(evaluation: Evaluation) -> list[tuple[str, str]]:
    """(code, label) of the subject types the month has results for, in the types' own order."""
    present = set(evaluation.results.order_by().values_list("subject_type", flat=True).distinct())
    return [(code, label) for code, label in SubjectType.choices if code in present]


def columns(evaluation: Evaluation, subject_type: str) -> list[Column]:
    """The indicators the type's subjects were scored on, in the indicators' order."""
    scored = ScoreLine.objects.filter(result__evaluation=evaluation, result__subject_type=subject_type).values(
        "indicator_id"
    )
    indicators = Indicator.objects.filter(pk__in=scored).order_by("sort_order", "pk")
    return [Column(*values) for values in indicators.values_list("pk", "name", "weight")]


def count(evaluation: Evaluation, subject_type: str) -> int:
    return evaluation.results.filter(subject_type=subject_type).count()


def rows(
    evaluation: Evaluation, subject_type: str, sheet_columns: list[Column], start: int = 0, stop: int | None = None
) -> list[Row]:
    """The subjects from `start` to `stop` in rank order with their figures in column order: two
    statements, the results and the figures of those results."""
    ranked = evaluation.results.filter(subject_type=subject_type).order_by("rank", "name", "pk")
    fields = ("pk", "rank", "name", "total", "comment", "unit_id", "person_id")
    out = [Row(*values) for values in ranked.values_list(*fields)[start:stop]]
    if not out:
        return out
    by_row: dict[int, dict[int, Figure]] = {row.pk: {} for row in out}
    # the page's results as a subquery (LIMIT/OFFSET inside), not hundreds of parameters
    lines = ScoreLine.objects.filter(result_id__in=ranked.values("pk")[start:stop]).order_by()
    figure_fields = ("result_id", "indicator_id", "numerator", "denominator", "value", "score")
    for result_id, *figure in lines.values_list(*figure_fields):
        by_row[result_id][figure[0]] = Figure(*figure)
    for row in out:
        row.figures = [by_row[row.pk].get(column.pk) for column in sheet_columns]
    return out


def fill_cells(sheet_rows: list[Row], links: bool) -> None:
    """Each row's figure cells as ready HTML (on screen the score opens the records behind it) and
    its subject's history link."""
    drill = url_former("supervision:drill", 2) if links else None
    history = {
        "unit": url_former("supervision:history", 1, "unit"),
        "person": url_former("supervision:history", 1, "person"),
    }
    for row in sheet_rows:
        row.cells_html = mark_safe("".join(_cell(row.pk, figure, drill) for figure in row.figures))  # noqa: S308 - escaped in _cell
        if links and (row.person_id or row.unit_id):
            row.history_url = history["person"](row.person_id) if row.person_id else history["unit"](row.unit_id)


def _cell(result_id: int, figure: Figure | None, drill: Callable[..., str] | None) -> str:
    if figure is None:
        return "<td>—</td>"
    score = escape(localize(figure.score))
    if drill is not None:
        score = f'<a href="{escape(drill(result_id, figure.indicator_id))}">{score}</a>'
    return f'<td>{score}<br><span class="text-muted">{escape(line_text(figure))}</span></td>'


def xlsx_rows(sheet_rows: list[Row]):
    """The Excel file's rows: rank, subject, total, each figure as its score and what it stands on, 讲评."""
    for row in sheet_rows:
        figures = [f"{figure.score if figure else ''} {line_text(figure)}" for figure in row.figures]
        yield [row.rank, row.name, row.total, *figures, row.comment]


_MARKER = 900_000_001


def url_former(name: str, numbers: int, *fixed: str) -> Callable[..., str]:
    """`reverse(name, args=[*fixed, *ids])` for many rows at the cost of one `reverse()`: the URL is
    reversed once with marker numbers in the ids' places, which each call fills in."""
    markers = [str(_MARKER + i) for i in range(numbers)]
    pattern = reverse(name, args=[*fixed, *markers])

    def form(*ids: int) -> str:
        url = pattern
        for marker, pk in zip(markers, ids, strict=True):
            url = url.replace(marker, str(int(pk)))
        return url

    return form


class Urls:
    """`reverse(name, args=ids)` for a page of rows, one `reverse()` per URL name (`url_former`)."""

    def __init__(self) -> None:
        self._formers: dict[str, Callable[..., str]] = {}

    def __call__(self, name: str, *ids: int) -> str:
        if name not in self._formers:
            self._formers[name] = url_former(name, len(ids))
        return self._formers[name](*ids)
