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


# What a run's result says, in the words a clerk reads: most work answers in Chinese already
# (「新立复核案件：3」); work whose result other code also reads keeps its keys and names them here.
# A business line adds its own (programme codes, say) with `label_results`.
_RESULT_LABELS: dict[str, str] = {
    "counties": "县区数",
    "candidates_seconds": "筛选对象用时（秒）",
    "closed_enrolled": "已享受而关闭",
    "closed_gone": "死亡或迁出而关闭",
    "skipped": "未计算",
    "adjusted": "调整档次人数",
    "programme": "项目",
    "closed": "关闭",
    "escalated": "升级督办",
    "supervised": "督办",
    "raised": "新增督办",
    "raised_transfers": "转办超期督办",
    "lights": "亮灯变化",
    "files": "文件数",
    "bytes": "字节数",
}


def label_results(labels: dict[str, str]) -> None:
    _RESULT_LABELS.update(labels)


def result_label(word: str) -> str:
    """A result's key or value as a clerk reads it: its label, 「…用时（秒）」 for a timing, else as it is."""
    if word in _RESULT_LABELS:
        return _RESULT_LABELS[word]
    if word.endswith("_seconds") and word[: -len("_seconds")] in _RESULT_LABELS:
        return f"{_RESULT_LABELS[word[: -len('_seconds')]]}用时（秒）"
    return word
