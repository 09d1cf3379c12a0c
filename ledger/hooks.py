"""Extension points of the ledger for the business lines above it.

- review opened: `ledger.reviews.open_review_case` tells every registered listener that a review
  case of a household was opened or joined, with the enrolment under review when it knows it
  (assistance keeps its 复核案件 record there), so the ledger never imports a business line;
  `open_review_cases_for` tells them of many at once (`reviews_opened`).
- one-off spending: a business line paid out of a fund without a roll (临时救助 in kind or in cash
  against a signed receipt); payments posts it to the fund ledger, so the ledger of funds is whole.
- payment stopped by a death: `ledger.deaths.record_death` tells every registered listener which
  enrolments a death stopped and from which month (payments holds the roll lines not yet paid).
- enrolment events: every `EnrolmentEvent` the ledger's services write (纳入、调整、暂停、恢复、渐退、
  停保、复核 …) is told to the registered listeners inside its transaction (the partners' webhooks
  tell other departments); bulk take-on of an existing roster does not go through it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

ReviewListener = Callable[..., None]
_REVIEW_LISTENERS: list[ReviewListener] = []


def register_review_opened(listener: ReviewListener) -> ReviewListener:
    """`listener(case, *, enrolment, on_date, due_on, reason)`; runs inside the opening transaction."""
    if listener not in _REVIEW_LISTENERS:
        _REVIEW_LISTENERS.append(listener)
    return listener


@dataclass(frozen=True)
class ReviewOpened:
    """One review case opened or joined, as `reviews_opened` tells its listeners."""

    case: object
    enrolment: object
    on_date: date
    due_on: date | None
    reason: str


ReviewsListener = Callable[[list[ReviewOpened]], None]
_REVIEWS_LISTENERS: list[ReviewsListener] = []


def register_reviews_opened(listener: ReviewsListener) -> ReviewsListener:
    """`listener(opened: list[ReviewOpened])`, for many review cases at once (a sweep's follow-up
    opens thousands); runs inside the opening transaction. A line registers this or the one-case
    listener, not both: each opening reaches every listener once."""
    if listener not in _REVIEWS_LISTENERS:
        _REVIEWS_LISTENERS.append(listener)
    return listener


def review_opened(case, *, enrolment, on_date: date, due_on: date | None, reason: str) -> None:
    reviews_opened([ReviewOpened(case, enrolment, on_date, due_on, reason)])


def reviews_opened(opened: list[ReviewOpened]) -> None:
    if not opened:
        return
    for listener in _REVIEWS_LISTENERS:
        listener(opened)
    for listener in _REVIEW_LISTENERS:
        for one in opened:
            listener(one.case, enrolment=one.enrolment, on_date=one.on_date, due_on=one.due_on, reason=one.reason)


DeathListener = Callable[..., str]
_DEATH_LISTENERS: list[DeathListener] = []


def register_payment_stopped_by_death(listener: DeathListener) -> DeathListener:
    """`listener(person, *, died_on, stopped, from_month, user) -> str`, run inside `record_death`'s
    transaction with the enrolments the death stopped (possibly none) and the first month not paid;
    returns a sentence for the case timeline (empty when it did nothing)."""
    if listener not in _DEATH_LISTENERS:
        _DEATH_LISTENERS.append(listener)
    return listener


def payment_stopped_by_death(person, *, died_on: date, stopped: list, from_month: date, user) -> list[str]:
    said = [
        listener(person, died_on=died_on, stopped=stopped, from_month=from_month, user=user)
        for listener in _DEATH_LISTENERS
    ]
    return [sentence for sentence in said if sentence]


SpendingListener = Callable[..., str]
_SPENDING_LISTENERS: list[SpendingListener] = []


def register_one_off_spending(listener: SpendingListener) -> SpendingListener:
    """`listener(*, programme, area_code, amount, on_date, document_reference, idempotency_key, note,
    user) -> str`: money (or goods bought with it) left a fund outside a payment roll; returns a
    sentence for the case timeline (empty when no fund account keeps it)."""
    if listener not in _SPENDING_LISTENERS:
        _SPENDING_LISTENERS.append(listener)
    return listener


def one_off_spending(**spending) -> list[str]:
    said = [listener(**spending) for listener in _SPENDING_LISTENERS]
    return [sentence for sentence in said if sentence]


# --- one-off roll lines ------------------------------------------------------------------------
# A programme whose payments are not monthly enrolments (a funeral fee waiver settled to the funeral
# home, an eco-burial reward to the family) gives payments the rows of its roll as one SELECT;
# `payments.rolls.generate_roll` inserts them after its own statements, in the same transaction.
ROLL_LINE_COLUMNS = (
    "area_code, reference, beneficiary_name, beneficiary_id_number, payee_name, payee_id_number, bank_name,"
    " bank_account, amount_fen"
)
RollLineSource = Callable[..., tuple[str, dict]]
_ROLL_LINE_SOURCES: dict[str, list[RollLineSource]] = {}


def register_roll_lines(programme: str, source: RollLineSource) -> RollLineSource:
    """`source(*, month, prefix) -> (sql, params)`: a SELECT of exactly ROLL_LINE_COLUMNS (in that
    order; `reference` ≤ 30 characters names the line's record, amounts in fen) for the month's roll of
    the area prefix; its own parameters as %(name)s in `params` (names starting with `x_`)."""
    sources = _ROLL_LINE_SOURCES.setdefault(str(programme), [])
    if source not in sources:
        sources.append(source)
    return source


def roll_line_sources(programme: str) -> list[RollLineSource]:
    return list(_ROLL_LINE_SOURCES.get(str(programme), ()))


EnrolmentEventListener = Callable[..., None]
_ENROLMENT_EVENT_LISTENERS: list[EnrolmentEventListener] = []


def register_enrolment_event(listener: EnrolmentEventListener) -> EnrolmentEventListener:
    """`listener(event)` with the `EnrolmentEvent` just written (its enrolment loaded), run inside
    the writing transaction: a rolled-back change tells nobody."""
    if listener not in _ENROLMENT_EVENT_LISTENERS:
        _ENROLMENT_EVENT_LISTENERS.append(listener)
    return listener


def enrolment_event_recorded(event) -> None:
    for listener in _ENROLMENT_EVENT_LISTENERS:
        listener(event)


# --- one-off payment orders (一次性支付单) ---------------------------------------------------------
# A grant that cannot wait for the month's roll (临时救助 急难型) is paid by the bank the day it is
# decided: payments issues an order of one line for the grant's one-month enrolment, with its bank
# file, and reads the bank's return for it. A business line asks through this registry, never
# importing payments.
@dataclass(frozen=True)
class PaymentOrders:
    """What payments offers (each raises a DomainError to refuse):

    - `issue(*, enrolment, on_date, reference, user) -> int`: the order's id, its bank file produced;
    - `states(ids) -> dict[int, dict]`: per order id: number, status (pending/paid/failed/switched/
      reissued), text (Chinese), failure_reason, next_id (the re-issued order), amount_fen;
    - `reissue(order_id, *, payee_name, bank_name, bank_account, reason, on_date, user) -> int`: a failed
      order paid again by a new order to the corrected account;
    - `withdraw(order_id, *, reason, user) -> int`: a failed order given up (the grant is paid in cash
      instead); returns the fen it no longer pays."""

    issue: Callable[..., int]
    states: Callable[..., dict]
    reissue: Callable[..., int]
    withdraw: Callable[..., int]


_PAYMENT_ORDERS: list[PaymentOrders] = []


def register_payment_orders(orders: PaymentOrders) -> PaymentOrders:
    _PAYMENT_ORDERS[:] = [orders]
    return orders


def payment_orders() -> PaymentOrders | None:
    return _PAYMENT_ORDERS[0] if _PAYMENT_ORDERS else None
