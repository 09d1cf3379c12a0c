"""Extension points of verification for the lines built on its department data, so verification
never imports them (low-income monitoring registers both in its AppConfig.ready):

- outreach: a finding of missed aid (遗漏救助线索) becomes a visit by the village 民生员; the line
  that runs those visits opens them, many at once (`open_outreach_tasks`), and returns objects
  with `assigned_to` and `assigned_unit`.
- after a sweep: the lines that raise their own signals from the same batches run after every
  sweep (`run_after_sweep`), each answering a count under its own name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from core.errors import DomainError
from verification.errors import VerificationCode


@dataclass(frozen=True)
class OutreachRequest:
    """One visit to open: the household, the person it concerns, why, and the finding that asked."""

    household: object
    person: object
    reason: str
    finding: object = None


OutreachOpener = Callable[[list[OutreachRequest], date], list]
AfterSweep = Callable[[date, int | None], dict[str, int]]

_outreach: list[OutreachOpener] = []
_after_sweep: dict[str, AfterSweep] = {}


def register_outreach(opener: OutreachOpener) -> OutreachOpener:
    """`opener(requests, on_date)` opens a visit task for each request (many at once: a sweep's
    follow-up opens them together) and answers, in order, objects with `assigned_to` and
    `assigned_unit`."""
    _outreach[:] = [opener]
    return opener


def open_outreach_tasks(requests: list[OutreachRequest], on_date: date) -> list:
    """Visits by the village 民生员 for missed-aid findings, through the registered line."""
    if not _outreach:
        raise DomainError(VerificationCode.NO_OUTREACH, "未接入低收入人口动态监测，无法派发走访任务")
    return _outreach[0](requests, on_date) if requests else []


def open_outreach_task(*, household, person, reason: str, on_date: date, finding=None):
    """One visit (`open_outreach_tasks` for a single finding)."""
    return open_outreach_tasks([OutreachRequest(household, person, reason, finding)], on_date)[0]


def register_after_sweep(name: str, run: AfterSweep) -> AfterSweep:
    """`run(on_date, batch_id)` runs after each county's sweep, in that county's scope (batch_id None
    for the monthly sweep), and answers counts by kind."""
    _after_sweep[name] = run
    return run


def run_after_sweep(on_date: date, batch_id: int | None) -> dict[str, dict[str, int]]:
    return {name: run(on_date, batch_id) for name, run in _after_sweep.items()}
