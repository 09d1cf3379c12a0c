"""Extension points of verification for the lines built on its department data, so verification
never imports them (low-income monitoring registers both in its AppConfig.ready):

- outreach: a finding of missed aid (遗漏救助线索) becomes a visit by the village 民生员; the line
  that runs those visits opens it (`open_outreach_task`) and returns an object with `assigned_to`.
- after a sweep: the lines that raise their own signals from the same batches run after every
  sweep (`run_after_sweep`), each answering a count under its own name.
"""

from collections.abc import Callable
from datetime import date

from core.errors import DomainError
from verification.errors import VerificationCode

OutreachOpener = Callable[..., object]
AfterSweep = Callable[[date, int | None], dict[str, int]]

_outreach: list[OutreachOpener] = []
_after_sweep: dict[str, AfterSweep] = {}


def register_outreach(opener: OutreachOpener) -> OutreachOpener:
    """`opener(household=, person=, reason=, on_date=, finding=)` opens the visit task."""
    _outreach[:] = [opener]
    return opener


def open_outreach_task(*, household, person, reason: str, on_date: date, finding=None):
    """A visit by the village 民生员 for a missed-aid finding, through the registered line."""
    if not _outreach:
        raise DomainError(VerificationCode.NO_OUTREACH, "未接入低收入人口动态监测，无法派发走访任务")
    return _outreach[0](household=household, person=person, reason=reason, on_date=on_date, finding=finding)


def register_after_sweep(name: str, run: AfterSweep) -> AfterSweep:
    """`run(on_date, batch_id)` runs after each county's sweep, in that county's scope (batch_id None
    for the monthly sweep), and answers counts by kind."""
    _after_sweep[name] = run
    return run


def run_after_sweep(on_date: date, batch_id: int | None) -> dict[str, dict[str, int]]:
    return {name: run(on_date, batch_id) for name, run in _after_sweep.items()}
