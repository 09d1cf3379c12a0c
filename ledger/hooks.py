"""Extension points of the ledger for the business lines above it.

- review opened: `ledger.reviews.open_review_case` tells every registered listener that a review
  case of a household was opened or joined, with the enrolment under review when it knows it
  (assistance keeps its 复核案件 record there), so the ledger never imports a business line.
"""

from collections.abc import Callable
from datetime import date

ReviewListener = Callable[..., None]
_REVIEW_LISTENERS: list[ReviewListener] = []


def register_review_opened(listener: ReviewListener) -> ReviewListener:
    """`listener(case, *, enrolment, on_date, due_on, reason)`; runs inside the opening transaction."""
    if listener not in _REVIEW_LISTENERS:
        _REVIEW_LISTENERS.append(listener)
    return listener


def review_opened(case, *, enrolment, on_date: date, due_on: date | None, reason: str) -> None:
    for listener in _REVIEW_LISTENERS:
        listener(case, enrolment=enrolment, on_date=on_date, due_on=due_on, reason=reason)
