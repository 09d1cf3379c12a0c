"""What the public may see without logging in: the catalogue of an area and a case's progress.

Both read unscoped on purpose (a visitor has no jurisdiction); the progress lookup needs the
receipt number and the last six characters of the applicant's ID number, and returns only the
item, the current step and the expected finish date."""

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Q

from cases.models import Case, ServiceItem

LEVELS = {"village": "村(社区)", "township": "乡镇(街道)", "county": "县(区)"}


@dataclass(frozen=True)
class Progress:
    item: str
    status: str
    current_step: str
    expected_finish: date | None


def find_progress(receipt_no: str, id_tail: str) -> Progress | None:
    receipt_no, id_tail = (receipt_no or "").strip(), (id_tail or "").strip().upper()
    if not receipt_no or len(id_tail) != 6:
        return None
    case = (
        Case.unscoped.filter(receipt_no=receipt_no)
        .filter(Q(applicant__id_number__endswith=id_tail) | Q(partner__id_number__endswith=id_tail))
        .select_related("item", "current_step")
        .first()
    )
    if case is None:
        return None
    if case.status == Case.Status.MATERIALS:
        step = "待补齐材料（请按一次性告知书补齐）"
    elif case.status in Case.FINISHED:
        step = "已办结" + ("，已答复" if case.replied_at else "，待窗口答复")
    else:
        step = case.current_step.name if case.current_step else "—"
    return Progress(case.item.name, case.get_status_display(), step, case.due_on)


# Guessing the six ID characters for a known receipt number: at most this many failed lookups per
# client address in the window. The counter lives in the cache: per process with the default local
# memory cache (the effective limit is then this times the worker count), exact with MINZHENG_CACHE_URL.
PROGRESS_FAILURES_ALLOWED = 10
PROGRESS_WINDOW_SECONDS = 15 * 60


def _failures_key(ip: str) -> str:
    return f"cases:progress-failures:{ip}"


def progress_blocked(ip: str) -> bool:
    return cache.get(_failures_key(ip), 0) >= PROGRESS_FAILURES_ALLOWED


def note_failed_progress(ip: str) -> None:
    key = _failures_key(ip)
    if not cache.add(key, 1, PROGRESS_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, PROGRESS_WINDOW_SECONDS)


def catalogue_for_area(area_code: str, on_date: date) -> list[dict]:
    """Items a resident of the area can apply for, where, with materials and time limits."""
    rows = []
    items = ServiceItem.objects.filter(is_active=True)
    for item in items:
        if not item.applies_to(area_code):
            continue
        version = item.version_on(on_date)
        if version is None:
            continue
        rows.append(
            {
                "item": item,
                "version": version,
                "levels": [LEVELS.get(x, x) for x in item.accept_levels],
                "documents": [d.name for d in version.required_documents.all()],
                "steps": list(version.steps.all()),
            }
        )
    return rows
