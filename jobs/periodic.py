"""Periodic work (定时任务): each app registers what must run every day or every month.

An app registers its periodic work in its AppConfig.ready(), the same way it registers menu
entries, so the scheduler never imports a business line:

    register_periodic(Periodic(
        key="ledger.open_due_reviews", label="到期复核立案", every=Every.DAILY, at=time(2, 30),
        run=open_due_reviews_today,
    ))

`run` takes the day the period is run for (a date in Asia/Shanghai) and returns a small dict that
is kept as the run's result (counts a person can read). It runs under the system actor and the
system scope; it must be idempotent for its period, because a failed period is retried.
The runner (jobs.scheduler) records one row per (key, period), so a period runs once even with
several workers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

from django.db import models


class Every(models.TextChoices):
    DAILY = "daily", "每天"
    MONTHLY = "monthly", "每月"


@dataclass(frozen=True)
class Periodic:
    key: str
    label: str
    every: Every
    run: Callable[[date], dict | None]
    at: time = time(2, 0)
    day_of_month: int = 1  # for Every.MONTHLY: the day it runs (1–28)


_REGISTRY: dict[str, Periodic] = {}


def register_periodic(periodic: Periodic) -> None:
    if not 1 <= periodic.day_of_month <= 28:
        raise ValueError("day_of_month must be 1–28, so every month has it")
    _REGISTRY[periodic.key] = periodic


def registered() -> list[Periodic]:
    """Every registered periodic work, in key order."""
    return [_REGISTRY[key] for key in sorted(_REGISTRY)]


def periodic(key: str) -> Periodic:
    return _REGISTRY[key]
