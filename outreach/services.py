"""政策找人: the daily run of every finder, and what the 民生员 does with a finding (visit, apply for
the person with the household filled in, or record that they decline)."""

import time
from contextlib import nullcontext
from datetime import date
from urllib.parse import urlencode

from django.db import connection, transaction
from django.urls import reverse

from areas.jurisdiction import current_scope
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from core.months import month_end, next_month_start
from outreach import distributed, finders
from outreach.errors import OutreachCode
from outreach.models import Finding
from policy.parameters import Policy

_OPEN = "('open', 'visited', 'applied')"

# programmes applied for on their line's own page instead of the window's assistance:apply
# (护理补贴 needs an assessment of the care level first: eldercare.care_subsidy)
APPLICATION_PAGES = {"elderly_care": "eldercare:care_apply"}

# a person found before for the programme is left out by the unique constraint (one probe of its
# index per row), not by a NOT EXISTS over outreach_finding: that table is the one being written,
# and when its statistics say empty (the first run) PostgreSQL reads it in full for every row
# found, the rows just written included (452 s instead of 9 for 62,000 findings, bench/care.py)
INSERT_SQL = """
INSERT INTO outreach_finding (programme, person_id, household_id, area_code, reason, monthly_amount,
 found_on, status, visit_note, visited_on, handled_by_id, applied_on, closed_on)
SELECT %s, c.person_id, c.household_id, c.area_code, c.reason, c.monthly_amount, %s, 'open', '', NULL, NULL, NULL, NULL
FROM ({select}) c
WHERE NOT EXISTS (SELECT 1 FROM ledger_enrolment e
  WHERE e.beneficiary_id = c.person_id AND e.programme = %s AND e.status <> 'stopped')
ON CONFLICT (programme, person_id) DO NOTHING
"""

# a finding closes by itself when the person's enrolment in the programme starts (or started meanwhile)
CLOSE_ENROLLED_SQL = f"""
UPDATE outreach_finding SET status = 'enrolled', closed_on = %(today)s
WHERE status IN {_OPEN} AND area_code LIKE %(prefix)s AND EXISTS (
  SELECT 1 FROM ledger_enrolment e WHERE e.beneficiary_id = outreach_finding.person_id
  AND e.programme = outreach_finding.programme AND e.status <> 'stopped')
"""  # noqa: S608 - constant fragments only

# a person who died or moved away is no longer to be visited
CLOSE_GONE_SQL = f"""
UPDATE outreach_finding SET status = 'void', closed_on = %(today)s
WHERE status IN {_OPEN} AND area_code LIKE %(prefix)s AND EXISTS (
  SELECT 1 FROM registry_person p WHERE p.id = outreach_finding.person_id AND p.life_status <> 'alive')
"""  # noqa: S608 - constant fragments only


def horizon_of(today: date) -> date:
    """People reaching an age by the end of next month are listed now: the visit and the decision
    come before the first month they may be paid (the month after the birthday)."""
    return month_end(next_month_start(today))


def counties(prefix: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT substr(area_code, 1, 6) FROM registry_household WHERE area_code LIKE %s", [prefix + "%"]
        )
        return sorted(row[0] for row in cursor.fetchall() if row[0] and len(row[0]) == 6)


def _close(prefix: str, today: date) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(CLOSE_ENROLLED_SQL, {"today": today, "prefix": prefix + "%"})
        enrolled = cursor.rowcount
        cursor.execute(CLOSE_GONE_SQL, {"today": today, "prefix": prefix + "%"})
        return enrolled, cursor.rowcount


def close_enrolled(today: date, prefix: str = "") -> int:
    """Findings whose person is now enrolled in the programme close (状态“已享受”)."""
    return _close(prefix, today)[0]


def find_eligible(today: date, prefix: str = "", engine=None) -> dict:
    """Run every registered finder for the counties under `prefix` (all when empty): the residents
    who may qualify computed once (finders.candidates), one INSERT … SELECT per programme reading
    them, then close what an enrolment or a death has settled. Idempotent: a person found before for
    a programme is never added again. `engine` finds the candidates: "database", "duckdb" or "spark"
    (outreach/distributed.py: the finders' SQL over a snapshot, written back by the same INSERT), an
    open `distributed.Engine`, or None for `settings.FIND_ENGINE`."""
    with distributed.open_engine(engine) as running:
        return _find_eligible(today, prefix, running)


@transaction.atomic
def _find_eligible(today: date, prefix: str, engine) -> dict:
    run = finders.FindRun(today=today, horizon=horizon_of(today), prefix=prefix)
    for county in counties(prefix):
        run.policies[county] = Policy.for_area(county + "000000", today)
    result: dict = {"counties": len(run.policies)}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("SET LOCAL jit = off")
    started = time.monotonic()
    # one pass over the residents, read by every finder (an engine reads its snapshot instead)
    with finders.candidates(run) if engine is None else nullcontext():
        result["candidates_seconds"] = round(time.monotonic() - started, 2)
        for finder in finders.registered():
            started = time.monotonic()
            found = finder.find(run)
            if found is None:
                continue
            select, params = found if engine is None else engine.found(finder, run, *found)
            with connection.cursor() as cursor:
                cursor.execute(
                    INSERT_SQL.format(select=select),
                    [finder.programme, today, *params, finder.programme],
                )
                result[str(finder.programme)] = cursor.rowcount
            result[f"{finder.programme}_seconds"] = round(time.monotonic() - started, 2)
    result["closed_enrolled"], result["closed_gone"] = _close(prefix, today)
    if run.skipped:
        result["skipped"] = run.skipped[:20]
    return result


def find_today(day: date) -> dict:
    """The periodic job (jobs.periodic): every county."""
    return find_eligible(day)


# ------------------------------------------------------------------ the 民生员's work


def _finding(pk: int) -> Finding:
    finding = Finding.objects.select_related("person", "household").filter(pk=pk).first()
    if finding is None:
        raise DomainError(OutreachCode.NOT_FOUND, "找不到该线索，或不在您的辖区")
    return finding


def _open(finding: Finding) -> None:
    if not finding.is_open:
        raise DomainError(OutreachCode.CLOSED, f"该线索已办结（{finding.get_status_display()}）")


def _move(finding: Finding, user, **changes) -> Finding:
    moved = Finding.objects.filter(pk=finding.pk, status=finding.status).update(handled_by=user, **changes)
    if moved != 1:
        raise DomainError(OutreachCode.CLOSED, "该线索刚被其他人处理，请刷新后重试")
    before = finding.status
    for key, value in changes.items():
        setattr(finding, key, value)
    finding.handled_by = user
    record(AuditEntry.Action.UPDATE, obj=finding, changes={"status": [before, finding.status]})
    return finding


def visit(pk: int, *, user, on_date: date, note: str) -> Finding:
    """走访: the 民生员 saw the person and told them of the programme."""
    finding = _finding(pk)
    _open(finding)
    note = (note or "").strip()
    if not note:
        raise DomainError(OutreachCode.NOTE_MISSING, "请填写走访情况（见到谁、是否愿意申请）")
    status = Finding.Status.VISITED if finding.status == Finding.Status.OPEN else finding.status
    return _move(finding, user, status=status, visited_on=on_date, visit_note=note[:300])


def decline(pk: int, *, user, on_date: date, note: str) -> Finding:
    """本人不申请: recorded with the reason; the person is not listed again for this programme."""
    finding = _finding(pk)
    _open(finding)
    note = (note or "").strip()
    if not note:
        raise DomainError(OutreachCode.NOTE_MISSING, "请填写不申请的原因")
    return _move(
        finding,
        user,
        status=Finding.Status.DECLINED,
        visited_on=finding.visited_on or on_date,
        visit_note=note[:300],
        closed_on=on_date,
    )


def start_application(pk: int, *, user, on_date: date) -> tuple[Finding, str]:
    """代办申请: the finding is marked applied and the window's application form opens with the
    household and the person filled in (assistance:apply)."""
    finding = _finding(pk)
    _open(finding)
    if finding.household_id is None:
        raise DomainError(OutreachCode.NO_HOUSEHOLD, "该居民没有在册家庭户，请先在居民库中登记家庭")
    if not current_scope().allows(finding.area_code):
        raise DomainError(OutreachCode.NOT_FOUND, "该线索不在您的辖区")
    if finding.status != Finding.Status.APPLIED:
        _move(finding, user, status=Finding.Status.APPLIED, applied_on=on_date)
    query = {"programme": finding.programme, "household": finding.household_id, "beneficiary": finding.person_id}
    if finding.programme in APPLICATION_PAGES:  # a line's own application path, by URL name (no import)
        query["finding"] = finding.pk
        return finding, f"{reverse(APPLICATION_PAGES[finding.programme])}?{urlencode(query)}"
    return finding, f"{reverse('assistance:apply')}?{urlencode(query)}"
