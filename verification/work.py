"""Findings become work, never silent changes (docs/domain.md §5.4): verification reads the registry
and the departments' data, it never edits an enrolment behind a case's back.

A death (公安 death file, 殡葬 cremation file) goes through ledger.deaths.record_death, which stops
payment and opens (or joins) the household's review case, then through the single death service
(registry.services.register_death) for every other death listener (the funerals line's 死亡信息); other review kinds open (or join) a
review case for the household; a payment after a death is a recovery flag carried by the same
household's review case; missed aid opens an outreach visit
for the village 民生员. Each move of a finding is a conditional update on its status.
"""

from datetime import date
from functools import cache

from django.db import connection, transaction
from django.utils import timezone

from core.errors import DomainError
from ledger.deaths import death_listener as ledger_death_listener
from ledger.deaths import open_death_reviews, record_death
from ledger.reviews import ReviewRequest, open_review_case, open_review_cases_for
from registry.services import register_death
from verification.errors import VerificationCode
from verification.hooks import OutreachRequest, open_outreach_task, open_outreach_tasks
from verification.models import Finding

K = Finding.Kind
REVIEW_KINDS = {
    K.DEATH,
    K.PAID_AFTER_DEATH,
    K.VEHICLE,
    K.BUSINESS,
    K.PROPERTY,
    K.INCOME,
    K.DEPOSIT,
    K.INCOMPATIBLE,
    K.TWO_HOUSEHOLDS,
    K.SAME_NEED,
    K.SHARED_ACCOUNT,
}
OUTREACH_KINDS = {K.MISSED_CARE, K.MISSED_LIVING, K.MISSED_TEKUN}


@cache
def _kind_label(kind: str) -> str:
    """A finding kind's label as text, once per process (a lazy label costs a translation lookup
    each time it is read; a sweep's follow-up reads thousands)."""
    return str(K(kind).label)


def describe(finding: Finding) -> str:
    parts = [_kind_label(finding.kind)]
    if finding.person_id:
        parts.append(finding.person.name)
    if finding.event_date:
        parts.append(f"{finding.event_date:%Y-%m-%d}")
    if finding.amount is not None and finding.kind != K.DEPOSIT:
        parts.append(f"{finding.amount}元")
    if finding.detail:
        parts.append(finding.detail)
    return "；".join(parts)


def open_work_for(finding: Finding, *, on_date: date, user=None, reviews: dict | None = None) -> Finding:
    """Work for one finding (the finding page's 转办, and each death after a sweep); `reviews`: the
    review cases `ledger.deaths.open_death_reviews` opened for a sweep's deaths beforehand."""
    if finding.status != Finding.Status.OPEN:
        return finding
    if finding.household_id is None:
        raise DomainError(VerificationCode.NO_HOUSEHOLD, "该发现没有对应家庭，无法转办")
    reason = describe(finding)
    updates = {}
    if finding.kind in OUTREACH_KINDS:
        warning = open_outreach_task(
            household=finding.household, person=finding.person, reason=reason, on_date=on_date, finding=finding
        )
        who = warning.assigned_to.full_name if warning.assigned_to_id else "（待分派）"
        updates["work_note"] = f"已派民生员走访：{who}"
    elif finding.kind == K.DEATH:  # a death stops payment, whoever reports it: one service does it all
        recorded = record_death(
            finding.person,
            died_on=finding.event_date,
            source=finding.source,
            user=user,
            on_date=on_date,
            finding_id=finding.pk,
            reviews=reviews,
        )
        # then the single death service tells every other listener, as for any other source: the
        # funerals line's one 死亡信息 with this source (or a confirmation of it), the partners' notice
        register_death(
            finding.person, died_on=recorded.died_on, source=finding.source, user=user, told=(ledger_death_listener,)
        )
        if recorded.case is None:
            Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(work_note=recorded.summary[:200])
            finding.work_note = recorded.summary
            return finding
        updates["case"] = recorded.case
        updates["work_note"] = recorded.summary[:200]
    else:
        opened = open_review_case(
            finding.household,
            reason=reason,
            due_on=finding.due_on,
            on_date=on_date,
            user=user,
            origin="verification",
            finding_id=finding.pk,
        )
        case, note = opened.case, opened.note
        if case is None:
            Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(work_note=note[:200])
            finding.work_note = note
            return finding
        updates["case"] = case
        label = "追回款项随复核办件处理" if finding.kind == K.PAID_AFTER_DEATH else "已发起复核"
        updates["work_note"] = f"{label}：{case.receipt_no}" + (f"（{note}）" if note else "")
    changed = Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(
        status=Finding.Status.WORK_OPENED, **updates
    )
    if changed:
        finding.status = Finding.Status.WORK_OPENED
        for field, value in updates.items():
            setattr(finding, field, value)
    return finding


CHUNK = 2000  # findings opened together: one transaction, a few statements each way


def open_work(*, on_date: date, sweep=None, progress=None) -> int:
    """Open work for every open finding of the scope (or of one sweep), as the system (the sweep
    opens it on its own initiative, whoever started the sweep; the audit log names who ran it):
    deaths first — their review cases opened together (`open_death_reviews`), then each recorded on
    its own (`record_death`: payment stops, a handful a month) — then every other finding in chunks
    (`open_work_together`). Uncapped and linear: each chunk costs the same whatever came before."""
    queryset = Finding.objects.filter(status=Finding.Status.OPEN, work_note="")
    if sweep is not None:
        queryset = queryset.filter(sweep=sweep)
    total = queryset.count()
    opened = done = 0
    deaths = list(queryset.filter(kind=K.DEATH).select_related("household", "person", "household__head").order_by("pk"))
    reports = [(f.person, f.event_date, f.source, f.pk) for f in deaths if f.person_id and f.household_id]
    reviews = open_death_reviews(reports, on_date=on_date)  # their review cases, opened together
    with transaction.atomic():  # one commit (deferred key checks, a flush) for all; a savepoint each
        for finding in deaths:
            try:
                with transaction.atomic():
                    moved = open_work_for(finding, on_date=on_date, reviews=reviews)
                opened += moved.status == Finding.Status.WORK_OPENED
            except DomainError as exc:  # this death waits for a clerk; the others go on
                Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(
                    work_note=f"转办失败：{exc}"[:200]
                )
            done += 1
    last = 0
    while True:
        ids = list(
            queryset.exclude(kind=K.DEATH).filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            break
        last = ids[-1]
        opened += open_work_together(ids, on_date=on_date)
        done += len(ids)
        if progress:
            progress(done, total, f"已转办{opened}条")
    return opened


def open_work_together(ids: list[int], *, on_date: date) -> int:
    """Work for many open findings (not deaths) in one transaction, by the system: every missed-aid
    finding an outreach visit (verification.hooks.open_outreach_tasks), every other a review of its
    household (ledger.reviews.open_review_cases_for: one case per household, joining an open one),
    then each finding's status, case and note in one bulk update. The findings are locked first, so
    a finding another run has just moved is left to it."""
    with transaction.atomic():
        findings = list(
            Finding.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, status=Finding.Status.OPEN, work_note="")
            .exclude(kind=K.DEATH)
            .select_related("household", "household__head", "person", "enrolment__beneficiary")
            .order_by("pk")
        )
        orphans = [f for f in findings if f.household_id is None]
        outreach = [f for f in findings if f.household_id and f.kind in OUTREACH_KINDS]
        reviews = [f for f in findings if f.household_id and f.kind not in OUTREACH_KINDS]
        for finding in orphans:
            finding.work_note = "该发现没有对应家庭，无法转办"
        requests = [OutreachRequest(f.household, f.person, describe(f), f) for f in outreach]
        for finding, warning in zip(outreach, open_outreach_tasks(requests, on_date), strict=True):
            who = warning.assigned_to or warning.assigned_unit
            name = (who.full_name or who.username) if warning.assigned_to_id else (who.name if who else "（待分派）")
            finding.status, finding.work_note = Finding.Status.WORK_OPENED, f"已派民生员走访：{name}"[:200]
        asked = [
            ReviewRequest(f.household, describe(f), f.due_on, enrolment=f.enrolment, finding_id=f.pk) for f in reviews
        ]
        results = open_review_cases_for(asked, on_date=on_date, origin="verification")
        for finding, result in zip(reviews, results, strict=True):
            if result.case is None:
                finding.work_note = result.note[:200]
                continue
            label = "追回款项随复核办件处理" if finding.kind == K.PAID_AFTER_DEATH else "已发起复核"
            note = f"{label}：{result.case.receipt_no}" + (f"（{result.note}）" if result.note else "")
            finding.status, finding.case, finding.work_note = Finding.Status.WORK_OPENED, result.case, note[:200]
        record_moves([(f.pk, f.status, f.case_id, f.work_note) for f in findings if f.work_note])
    return sum(1 for f in findings if f.status == Finding.Status.WORK_OPENED)


MOVES_PER_STATEMENT = 500


def moves_sql(rows: int) -> str:
    """One UPDATE for `rows` findings: each its own status, case and note, from a VALUES list
    (columns column1…column4 on PostgreSQL and SQLite alike; SQLite ≥ 3.33 reads UPDATE … FROM, and
    reports a row count only for a statement that starts with UPDATE); only a finding still open
    moves. Only the placeholders are repeated into the text; every value is a parameter."""
    values = ", ".join(["(%s, %s, %s, %s)"] * rows)
    return f"""UPDATE verification_finding
SET status = moved.column2, case_id = CAST(moved.column3 AS BIGINT), work_note = moved.column4
FROM (VALUES {values}) AS moved
WHERE verification_finding.id = moved.column1 AND verification_finding.status = 'open'"""  # noqa: S608


def record_moves(moves: list[tuple[int, str, int | None, str]]) -> int:
    """Write (finding id, status, case id, note) for many findings in a few statements: what
    `Finding.objects.filter(pk=id, status=OPEN).update(status=…, case_id=…, work_note=…)` does for
    each (verification/tests/test_work.py holds the two side by side). Django's bulk_update builds a
    CASE per field and row, which took seconds for a few thousand."""
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(moves), MOVES_PER_STATEMENT):
            chunk = moves[start : start + MOVES_PER_STATEMENT]
            cursor.execute(moves_sql(len(chunk)), [value for move in chunk for value in move])
            written += max(cursor.rowcount, 0)
    return written


def resolve_finding(finding: Finding, *, on_date: date, resolution: str) -> Finding:
    """办结: the case decided or the visit closed; the reason is kept."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError(VerificationCode.RESOLUTION_REQUIRED, "办结须写明结果")
    Finding.objects.filter(pk=finding.pk).exclude(status=Finding.Status.RESOLVED).update(
        status=Finding.Status.RESOLVED, resolved_on=on_date, resolution=resolution[:300]
    )
    finding.refresh_from_db()
    return finding


def today() -> date:
    return timezone.localdate()
