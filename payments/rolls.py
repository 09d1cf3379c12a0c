"""Monthly payment rolls (发放名册): generate set-based, check, approve (maker-checker), reject.

Generation is four INSERT … SELECT statements, portable between SQLite and PostgreSQL:
  1. regular lines: enrolments in force for the month, amounts exactly as
     ledger.services.amount_for_month reads them (渐退 from GradualExitStep; suspended → held);
  2. arrears: enrolments an earlier approved roll within the arrears window missed (decided late;
     the window is the policy parameter payments.arrears_months, 12 by national default);
  3. released holds: lines held in earlier rolls that may now be paid (suspension lifted, failed
     payment corrected → reissue with the corrected account);
  4. recoveries: RECOVERY events not yet listed, as negative lines outside the bank file.
Then the checks write their findings as RollIssue rows (death before the month, the same
enrolment-month twice or already in an approved roll). Approval, under a per-programme lock,
checks again only what can have changed since: deaths recorded, rolls approved in the meantime.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from accounts.roles import Capability
from areas.codes import InvalidAreaCode, prefix_of, validate_code
from areas.jurisdiction import current_scope
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from core.months import add_months, month_start
from ledger import hooks as ledger_hooks
from payments import hooks
from payments.errors import PaymentCode
from payments.models import PaymentRoll, RollIssue, RollLine
from policy.parameters import Policy
from policy.programmes import ParameterKey, Programme

_COLUMNS = """roll_id, area_code, seq, kind, enrolment_id, pay_month, household_id, head_id, beneficiary_id,
 household_number, head_name, head_id_number, beneficiary_name, beneficiary_id_number, covered_members,
 payee_name, payee_id_number, bank_name, bank_account, standard_fen, amount_fen, in_bank_file, status,
 hold_reason, source_line_id, source_event_id, released_to_id, failure_reason, status_changed_at,
 corrected_payee_name, corrected_bank_name, corrected_bank_account"""

# what a household / person contributes to every line; payee = the enrolment's recorded account
# holder (子女代领, ledger.payees), else the household's account name (or the head) with the head's ID
_BENEFICIARY_JOINED = "COALESCE(bp.name, ''), COALESCE(bp.id_number, '')"
_PEOPLE = f"""h.id, h.head_id, e.beneficiary_id, h.number, COALESCE(hp.name, ''), COALESCE(hp.id_number, ''),
 {_BENEFICIARY_JOINED}, e.covered_members"""
_PAYEE = (
    "COALESCE(NULLIF(e.payee_name, ''), NULLIF(h.bank_account_name, ''), hp.name, ''),"
    " COALESCE(NULLIF(e.payee_id_number, ''), hp.id_number, ''), h.bank_name, h.bank_account"
)
_BENEFICIARY_JOIN = "\n LEFT JOIN registry_person bp ON bp.id = e.beneficiary_id"
_JOINS = f"""JOIN registry_household h ON h.id = e.household_id
 LEFT JOIN registry_person hp ON hp.id = h.head_id{_BENEFICIARY_JOIN}"""
_FEN = "CAST(ROUND({} * 100) AS BIGINT)"
_PAY_FEN = (
    f"CASE WHEN e.status = 'gradual_exit' THEN {_FEN.format('g.amount')} ELSE {_FEN.format('e.monthly_amount')} END"
)
_TAIL = "NULL, NULL, NULL, '', NULL, '', '', ''"
# Each statement numbers (and writes) its lines in enrolment order: the double-payment index
# (enrolment, month) then receives its keys in order, as the primary key and (roll, seq) do, instead
# of one random leaf page per line, and the sort is on one integer (area order: a text key that
# ties 500 times per village)

REGULAR_SQL = f"""
INSERT INTO payments_rollline ({_COLUMNS})
SELECT %(roll)s, e.area_code, %(offset)s + ROW_NUMBER() OVER (ORDER BY e.id), 'regular', e.id, %(month)s,
 {_PEOPLE}, {_PAYEE}, {_FEN.format("e.monthly_amount")}, {_PAY_FEN},
 CASE WHEN e.status = 'suspended' OR h.bank_account = '' THEN FALSE ELSE TRUE END,
 CASE WHEN e.status = 'suspended' OR h.bank_account = '' THEN 'held' ELSE 'pending' END,
 CASE WHEN e.status = 'suspended' THEN 'suspended' WHEN h.bank_account = '' THEN 'no_account' ELSE '' END,
 {_TAIL}
FROM ledger_enrolment e {_JOINS}
 LEFT JOIN ledger_gradualexitstep g ON g.enrolment_id = e.id AND g.month = %(month)s
WHERE e.programme = %(programme)s AND e.area_code LIKE %(prefix)s
 AND e.start_month <= %(month)s AND (e.end_month IS NULL OR e.end_month > %(month)s)
 AND NOT (e.status = 'gradual_exit' AND g.amount IS NULL)
"""  # noqa: S608 - constant fragments only; every value is a parameter

# a household-level programme (no enrolment names a beneficiary): the same lines without hashing
# every person a second time for a join that matches nothing; a beneficiary the check before it
# did not see (enrolled meanwhile) is still looked up, line by line
_BENEFICIARY_LOOKED_UP = """CASE WHEN e.beneficiary_id IS NULL THEN ''
 ELSE COALESCE((SELECT bp.name FROM registry_person bp WHERE bp.id = e.beneficiary_id), '') END,
 CASE WHEN e.beneficiary_id IS NULL THEN ''
 ELSE COALESCE((SELECT bp.id_number FROM registry_person bp WHERE bp.id = e.beneficiary_id), '') END"""
REGULAR_HOUSEHOLDS_SQL = REGULAR_SQL.replace(_BENEFICIARY_JOIN, "").replace(_BENEFICIARY_JOINED, _BENEFICIARY_LOOKED_UP)

# a grant a payment order (一次性支付单) has paid, or is paying, is never in the month's roll too: added
# only when the month has orders of the programme in the area (usually none), so the roll's
# statement is the same as without orders otherwise
NOT_PAID_BY_ORDER = """ AND e.id NOT IN (
  SELECT ol.enrolment_id FROM payments_rollline ol JOIN payments_paymentroll orr ON orr.id = ol.roll_id
  WHERE orr.kind = 'order' AND orr.programme = %(programme)s AND orr.month = %(month)s
   AND orr.area_code LIKE %(prefix)s AND ol.enrolment_id IS NOT NULL)
"""

HAS_BENEFICIARIES_SQL = """
SELECT 1 FROM ledger_enrolment
WHERE programme = %(programme)s AND area_code LIKE %(prefix)s AND beneficiary_id IS NOT NULL LIMIT 1
"""

ARREARS_SQL = f"""
INSERT INTO payments_rollline ({_COLUMNS})
SELECT %(roll)s, e.area_code, %(offset)s + ROW_NUMBER() OVER (ORDER BY e.id, missed.m), 'arrears', e.id,
 missed.m, {_PEOPLE}, {_PAYEE}, {_FEN.format("e.monthly_amount")}, {_PAY_FEN},
 CASE WHEN h.bank_account = '' THEN FALSE ELSE TRUE END,
 CASE WHEN h.bank_account = '' THEN 'held' ELSE 'pending' END,
 CASE WHEN h.bank_account = '' THEN 'no_account' ELSE '' END,
 {_TAIL}
FROM (
  SELECT e2.id AS eid, r.month AS m
  FROM payments_paymentroll r
  JOIN ledger_enrolment e2 ON e2.programme = r.programme AND e2.area_code LIKE r.area_prefix || '%%'
  WHERE r.programme = %(programme)s AND r.status = 'approved' AND r.kind = 'monthly'
   AND r.month >= %(lookback)s AND r.month < %(month)s
   AND e2.area_code LIKE %(prefix)s AND e2.start_month >= %(lookback)s AND e2.start_month <= r.month
   AND (e2.end_month IS NULL OR e2.end_month > r.month) AND e2.status IN ('in_payment', 'gradual_exit', 'stopped')
  GROUP BY e2.id, r.month
) missed
JOIN ledger_enrolment e ON e.id = missed.eid {_JOINS}
LEFT JOIN ledger_gradualexitstep g ON g.enrolment_id = e.id AND g.month = missed.m
WHERE NOT (e.status = 'gradual_exit' AND g.amount IS NULL)
 AND NOT EXISTS (
  SELECT 1 FROM payments_rollline o JOIN payments_paymentroll ro ON ro.id = o.roll_id
  WHERE o.enrolment_id = e.id AND o.pay_month = missed.m AND o.kind <> 'recovery' AND ro.status = 'approved')
"""  # noqa: S608 - constant fragments only; every value is a parameter

RELEASED_SQL = f"""
INSERT INTO payments_rollline ({_COLUMNS})
SELECT %(roll)s, s.area_code, %(offset)s + ROW_NUMBER() OVER (ORDER BY s.enrolment_id, s.pay_month, s.id),
 CASE WHEN s.hold_reason = 'corrected' THEN 'reissue' ELSE 'arrears' END, s.enrolment_id, s.pay_month,
 s.household_id, s.head_id, s.beneficiary_id, s.household_number, s.head_name, s.head_id_number,
 s.beneficiary_name, s.beneficiary_id_number, s.covered_members,
 CASE WHEN s.hold_reason = 'corrected' THEN s.corrected_payee_name
      ELSE COALESCE(NULLIF(e.payee_name, ''), NULLIF(h.bank_account_name, ''), s.head_name) END,
 CASE WHEN s.hold_reason = 'corrected' THEN s.payee_id_number
      ELSE COALESCE(NULLIF(e.payee_id_number, ''), s.payee_id_number) END,
 CASE WHEN s.hold_reason = 'corrected' THEN s.corrected_bank_name ELSE h.bank_name END,
 CASE WHEN s.hold_reason = 'corrected' THEN s.corrected_bank_account ELSE h.bank_account END,
 s.standard_fen, s.amount_fen, TRUE, 'pending', '', s.id, NULL, NULL, '', NULL, '', '', ''
FROM payments_rollline s
JOIN payments_paymentroll sr ON sr.id = s.roll_id
JOIN ledger_enrolment e ON e.id = s.enrolment_id
JOIN registry_household h ON h.id = s.household_id
WHERE sr.programme = %(programme)s AND sr.status = 'approved' AND sr.kind = 'monthly' AND sr.month < %(month)s
 AND s.area_code LIKE %(prefix)s AND s.status = 'held' AND s.released_to_id IS NULL AND s.kind <> 'recovery'
 AND (s.hold_reason = 'corrected'
      OR (s.hold_reason = 'suspended' AND e.status IN ('in_payment', 'gradual_exit') AND h.bank_account <> '')
      OR (s.hold_reason = 'no_account' AND e.status <> 'suspended' AND h.bank_account <> ''))
"""  # noqa: S608 - constant fragments only; every value is a parameter

RECOVERY_SQL = f"""
INSERT INTO payments_rollline ({_COLUMNS})
SELECT %(roll)s, e.area_code, %(offset)s + ROW_NUMBER() OVER (ORDER BY e.id, ev.id), 'recovery', e.id,
 ev.effective_month, {_PEOPLE}, {_PAYEE}, {_FEN.format("e.monthly_amount")}, -{_FEN.format("ev.money")},
 FALSE, 'recovery', '', NULL, ev.id, NULL, '', NULL, '', '', ''
FROM ledger_enrolmentevent ev
JOIN ledger_enrolment e ON e.id = ev.enrolment_id {_JOINS}
WHERE ev.kind = 'recovery' AND ev.money IS NOT NULL AND e.programme = %(programme)s AND e.area_code LIKE %(prefix)s
 AND ev.effective_month <= %(month)s
 AND NOT EXISTS (
  SELECT 1 FROM payments_rollline o JOIN payments_paymentroll ro ON ro.id = o.roll_id
  WHERE o.source_event_id = ev.id AND ro.status <> 'rejected' AND o.roll_id <> %(roll)s)
"""  # noqa: S608 - constant fragments only; every value is a parameter

# lines of a programme paid once, not by enrolment (ledger.hooks.register_roll_lines): no enrolment,
# no household; the line's record named in household_number; held when no bank account is known
ONE_OFF_SQL = f"""
INSERT INTO payments_rollline ({_COLUMNS})
SELECT %(roll)s, x.area_code, %(offset)s + ROW_NUMBER() OVER (ORDER BY x.reference), 'regular', NULL, %(month)s,
 NULL, NULL, NULL, x.reference, '', '', x.beneficiary_name, x.beneficiary_id_number, 1,
 x.payee_name, x.payee_id_number, x.bank_name, x.bank_account, x.amount_fen, x.amount_fen,
 CASE WHEN x.bank_account = '' THEN FALSE ELSE TRUE END,
 CASE WHEN x.bank_account = '' THEN 'held' ELSE 'pending' END,
 CASE WHEN x.bank_account = '' THEN 'no_account' ELSE '' END,
 {_TAIL}
FROM ({{select}}) x
"""  # noqa: S608 - constant fragments and the registered SELECT; every value is a parameter

DECEASED_SQL = """
INSERT INTO payments_rollissue (roll_id, line_id, code, other_roll_id, death_date)
SELECT l.roll_id, l.id, 'deceased', NULL, p.death_date
FROM payments_rollline l JOIN registry_person p ON p.id = COALESCE(l.beneficiary_id, l.head_id)
WHERE l.roll_id = %(roll)s AND l.kind <> 'recovery' AND l.status <> 'held'
 AND p.death_date IS NOT NULL AND p.death_date < l.pay_month
"""

# the 一卡通 rule (ledger.payees.payee_is_beneficiary_or_head): a payee who is neither the
# beneficiary nor the head, without the exception's reason recorded on the enrolment
PAYEE_RULE_SQL = """
INSERT INTO payments_rollissue (roll_id, line_id, code, other_roll_id, death_date)
SELECT l.roll_id, l.id, 'payee_rule', NULL, NULL
FROM payments_rollline l JOIN ledger_enrolment e ON e.id = l.enrolment_id
WHERE l.roll_id = %(roll)s AND l.kind <> 'recovery' AND l.status <> 'held'
 AND l.payee_id_number <> l.head_id_number AND l.payee_id_number <> l.beneficiary_id_number
 AND e.payee_exception_reason = ''
"""

# the same enrolment-month twice in this roll, or already in an approved roll: a line of this
# month can only be in a roll of this month or later (read from their side: usually none), a line
# of an earlier month (arrears, reissue: few) in any
DOUBLE_SQL = """
INSERT INTO payments_rollissue (roll_id, line_id, code, other_roll_id, death_date)
SELECT %(roll)s, d.line_id, 'double_payment', MIN(d.other_roll_id), NULL FROM (
  SELECT l.id AS line_id, l.roll_id AS other_roll_id
  FROM payments_rollline l JOIN (
    SELECT enrolment_id, pay_month FROM payments_rollline
    WHERE roll_id = %(roll)s AND kind <> 'recovery' AND status <> 'held'
    GROUP BY enrolment_id, pay_month HAVING COUNT(*) > 1
  ) twice ON twice.enrolment_id = l.enrolment_id AND twice.pay_month = l.pay_month
  WHERE l.roll_id = %(roll)s AND l.kind <> 'recovery' AND l.status <> 'held'
  UNION ALL
  SELECT l.id, o.roll_id
  FROM payments_paymentroll ro
  JOIN payments_rollline o ON o.roll_id = ro.id
  JOIN payments_rollline l ON l.enrolment_id = o.enrolment_id AND l.pay_month = o.pay_month
  WHERE ro.programme = %(programme)s AND ro.status = 'approved' AND ro.month >= %(month)s AND ro.id <> %(roll)s
   AND o.kind <> 'recovery' AND o.status <> 'held'
   AND l.roll_id = %(roll)s AND l.kind <> 'recovery' AND l.status <> 'held'
  UNION ALL
  SELECT l.id, o.roll_id
  FROM payments_rollline l
  JOIN payments_rollline o ON o.enrolment_id = l.enrolment_id AND o.pay_month = l.pay_month
  JOIN payments_paymentroll ro ON ro.id = o.roll_id
  WHERE l.roll_id = %(roll)s AND l.pay_month < %(month)s AND l.kind <> 'recovery' AND l.status <> 'held'
   AND ro.status = 'approved' AND ro.id <> %(roll)s AND o.kind <> 'recovery' AND o.status <> 'held'
) d
GROUP BY d.line_id
"""

# at approval, under the programme lock: rolls approved since this one was generated, read from
# their side (usually none), so the recheck costs little however large the roll is
DOUBLE_SINCE_SQL = """
INSERT INTO payments_rollissue (roll_id, line_id, code, other_roll_id, death_date)
SELECT l.roll_id, l.id, 'double_payment', MIN(o.roll_id), NULL
FROM payments_paymentroll ro
JOIN payments_rollline o ON o.roll_id = ro.id
JOIN payments_rollline l ON l.enrolment_id = o.enrolment_id AND l.pay_month = o.pay_month
WHERE ro.programme = %(programme)s AND ro.status = 'approved' AND ro.approved_at >= %(since)s
 AND ro.id <> %(roll)s AND o.kind <> 'recovery' AND o.status <> 'held'
 AND l.roll_id = %(roll)s AND l.kind <> 'recovery' AND l.status <> 'held'
GROUP BY l.roll_id, l.id
"""


def can_prepare(user) -> bool:
    """经办: whoever accepts, reviews or approves may prepare rolls, files and corrections."""
    return any(user.can(c) for c in (Capability.ACCEPT_APPLICATIONS, Capability.REVIEW, Capability.APPROVE))


def _execute(sql: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _exists(sql: str, params: dict) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


@contextmanager
def _driven_by_enrolments(personal: bool) -> Iterator[None]:
    """A programme paid per person (高龄津贴, 特困, children) pays a few in a hundred residents: its
    lines are read from its enrolments, each looking up its household, head and beneficiary by
    primary key — never a full pass over the registry's persons and households hashed for the join,
    which grows with the registry rather than the roll (EXPLAIN ANALYZE of the 高龄津贴 roll at
    2,000,000 residents: 8.7 s instead of 10.6–12.6 s on a loaded machine, and the same at 10,000,000;
    bench/care.py). A household programme (低保) pays a large share of its households and keeps the
    hash joins (REGULAR_HOUSEHOLDS_SQL)."""
    if not personal or connection.vendor != "postgresql":
        yield
        return
    _execute("SET LOCAL enable_hashjoin = off", {})
    _execute("SET LOCAL enable_mergejoin = off", {})
    yield  # an error rolls the transaction back, and the settings with it
    _execute("SET LOCAL enable_hashjoin = on", {})
    _execute("SET LOCAL enable_mergejoin = on", {})


def _next_seq(roll: PaymentRoll) -> int:
    return RollLine.unscoped.filter(roll=roll).aggregate(m=Max("seq"))["m"] or 0


def has_orders(*, programme: str, month: date, prefix: str) -> bool:
    """Whether payment orders of the programme were issued in the month within the area prefix."""
    orders = PaymentRoll.unscoped.filter(kind=PaymentRoll.Kind.ORDER, programme=programme, month=month)
    return orders.filter(area_code__startswith=prefix).exists()


def refresh_totals(roll: PaymentRoll) -> PaymentRoll:
    payable = Q(kind__in=["regular", "arrears", "reissue"])
    totals = RollLine.unscoped.filter(roll=roll).aggregate(
        lines=Count("id"),
        payable_count=Count("id", filter=payable & ~Q(status="held")),
        payable_fen=Sum("amount_fen", filter=payable & ~Q(status="held")),
        held_count=Count("id", filter=payable & Q(status="held")),
        held_fen=Sum("amount_fen", filter=payable & Q(status="held")),
        recovery_fen=Sum("amount_fen", filter=Q(kind="recovery")),
    )
    roll.line_count = totals["lines"]
    roll.payable_count = totals["payable_count"]
    roll.payable_fen = totals["payable_fen"] or 0
    roll.held_count = totals["held_count"]
    roll.held_fen = totals["held_fen"] or 0
    roll.recovery_fen = -(totals["recovery_fen"] or 0)
    PaymentRoll.unscoped.filter(pk=roll.pk).update(
        line_count=roll.line_count,
        payable_count=roll.payable_count,
        payable_fen=roll.payable_fen,
        held_count=roll.held_count,
        held_fen=roll.held_fen,
        recovery_fen=roll.recovery_fen,
    )
    return roll


def roll_number(programme: str, month: date, area_code: str) -> str:
    """名册编号: month, the programme's number, the area — 「202612-01-430522000000」 — digits only, so
    a bank's system takes it in a file name and no programme code shows on a page. The programme's
    number is its place in `Programme` (new programmes are added at the end)."""
    place = [str(p) for p in Programme].index(str(programme)) + 1
    return f"{month:%Y%m}-{place:02d}-{area_code}"


@transaction.atomic
def generate_roll(*, programme: str, month: date, area_code: str, user) -> PaymentRoll:
    """生成发放名册 for a programme, month and area (the user's own area or one below it)."""
    month = month_start(month)
    if programme not in Programme.values:
        raise DomainError(PaymentCode.UNKNOWN_PROGRAMME, f"没有“{programme[:30]}”这个救助项目，请从项目清单中选择")
    try:
        area_code = validate_code(area_code)
    except InvalidAreaCode as error:
        raise DomainError(PaymentCode.BAD_AREA, str(error)[:100]) from None
    if not current_scope().allows(area_code):
        raise DomainError(PaymentCode.OUTSIDE_JURISDICTION, "只能为本辖区生成发放名册")
    if user is not None and not can_prepare(user):
        raise DomainError(PaymentCode.FORBIDDEN, "无权生成发放名册")
    prefix = prefix_of(area_code)
    roll, created = PaymentRoll.unscoped.select_for_update().get_or_create(
        kind=PaymentRoll.Kind.MONTHLY,
        programme=programme,
        month=month,
        area_prefix=prefix,
        defaults={"area_code": area_code, "number": roll_number(programme, month, area_code)},
    )
    if roll.status == PaymentRoll.Status.APPROVED:
        raise DomainError(PaymentCode.FROZEN, "该名册已审批冻结，不能重新生成；更正请在以后月份的名册中以调整行处理")
    if not created:  # a roll never approved: nothing refers to its lines but its own issues
        RollIssue.objects.filter(roll=roll).delete()
        RollLine.unscoped.filter(released_to=roll).update(released_to=None)
        _execute("DELETE FROM payments_rollline WHERE roll_id = %(roll)s", {"roll": roll.pk})
    if connection.vendor == "postgresql":
        # sort a county's lines into seq order in memory, not on disk; each statement runs once
        # over the rows, so compiling its expressions (JIT, ~0.1 s a statement) never pays back
        _execute("SET LOCAL work_mem = '128MB'", {})
        _execute("SET LOCAL jit = off", {})
    params = {
        "roll": roll.pk,
        "programme": programme,
        "month": month,
        "prefix": prefix + "%",
        # how far back a late decision is paid as arrears: policy data, per area and date
        "lookback": add_months(month, -Policy.for_area(area_code, month).months(ParameterKey.ARREARS_MONTHS)),
    }
    regular = REGULAR_SQL if _exists(HAS_BENEFICIARIES_SQL, params) else REGULAR_HOUSEHOLDS_SQL
    if has_orders(programme=programme, month=month, prefix=prefix):
        regular = regular.rstrip() + NOT_PAID_BY_ORDER
    written = {}
    for sql in (regular, ARREARS_SQL, RELEASED_SQL, RECOVERY_SQL):
        params["offset"] = _next_seq(roll)
        with _driven_by_enrolments(sql is REGULAR_SQL):
            written[sql] = _execute(sql, params)
    for source in ledger_hooks.roll_line_sources(programme):  # one-off lines of a business line (funerals …)
        select, extra = source(month=month, prefix=prefix + "%")
        params["offset"] = _next_seq(roll)
        _execute(ONE_OFF_SQL.format(select=select), {**params, **extra})
    if written[RELEASED_SQL]:  # usually none: no pass over the roll's lines to find them
        _execute(
            "UPDATE payments_rollline SET released_to_id = %(roll)s WHERE id IN "
            "(SELECT source_line_id FROM payments_rollline WHERE roll_id = %(roll)s AND source_line_id IS NOT NULL)",
            params,
        )
    roll.status = PaymentRoll.Status.GENERATED
    roll.generated_by = user
    roll.generated_at = timezone.now()
    roll.rejected_reason = ""
    roll.save()
    if connection.vendor == "postgresql":  # the checks below are planned for the roll just written
        # how many lines per roll and per enrolment-month is all they need: a sample of 3,000 rows
        # (the default 30,000 reads every page of a table of one large roll)
        _execute("SET LOCAL default_statistics_target = 10", {})
        _execute("ANALYZE payments_rollline (roll_id, enrolment_id, pay_month)", {})
        # the roll's (enrolment, month) pairs are grouped by sorting, not hashing: 0.23 instead of
        # 0.30 s for 300,000 lines (EXPLAIN ANALYZE of the duplicates check)
        _execute("SET LOCAL enable_hashagg = off", {})
    refresh_totals(roll)
    check_roll(roll)
    return roll


def check_roll(roll: PaymentRoll) -> int:
    """Write the roll's issues (death, payee rule, double payment) set-based; returns how many there are."""
    RollIssue.objects.filter(roll=roll).delete()
    _execute(DECEASED_SQL, {"roll": roll.pk})
    _execute(PAYEE_RULE_SQL, {"roll": roll.pk})
    _execute(DOUBLE_SQL, {"roll": roll.pk, "programme": roll.programme, "month": roll.month})
    return _count_issues(roll)


def recheck_roll(roll: PaymentRoll) -> int:
    """At approval: deaths recorded and rolls approved since generation, written as issues of the
    roll (which had none); returns how many were found."""
    _execute(DECEASED_SQL, {"roll": roll.pk})
    _execute(DOUBLE_SINCE_SQL, {"roll": roll.pk, "programme": roll.programme, "since": roll.generated_at})
    return _count_issues(roll)


def _count_issues(roll: PaymentRoll) -> int:
    roll.issue_count = RollIssue.objects.filter(roll=roll).count()
    PaymentRoll.unscoped.filter(pk=roll.pk).update(issue_count=roll.issue_count)
    return roll.issue_count


def hold_after_death(person, *, died_on: date, stopped: list, from_month: date, user) -> str:
    """`ledger.hooks` listener: a death stopped these enrolments from `from_month` on. Their lines
    of that month or later that are not paid yet are held for good (死亡停发, never released to a
    later roll): lines of rolls still awaiting approval, whose death check is run again, and lines
    of approved rolls already held for another reason. A line of an approved roll on its way to the
    bank is not touched: the payment after the death is recovered through the review case."""
    if not stopped:
        return ""
    later = RollLine.unscoped.filter(enrolment_id__in=[e.pk for e in stopped], pay_month__gte=from_month).exclude(
        kind=RollLine.Kind.RECOVERY
    )
    not_yet = Q(roll__status=PaymentRoll.Status.GENERATED, status__in=[RollLine.Status.PENDING, RollLine.Status.HELD])
    held_before = Q(roll__status=PaymentRoll.Status.APPROVED, status=RollLine.Status.HELD, released_to__isnull=True)
    lines = later.filter(not_yet | held_before).exclude(hold_reason=RollLine.Hold.DECEASED)
    roll_ids = sorted(set(lines.values_list("roll_id", flat=True)))
    to_hold = list(lines.values_list("pk", "roll__status"))
    held = RollLine.unscoped.filter(pk__in=[pk for pk, _status in to_hold]).update(
        status=RollLine.Status.HELD, hold_reason=RollLine.Hold.DECEASED
    )
    # out of the bank file of a roll not yet approved; an approved roll's line keeps its place in
    # the file it may already be in (given again byte for byte): it is held, not paid
    not_approved = [pk for pk, status in to_hold if status == PaymentRoll.Status.GENERATED]
    RollLine.unscoped.filter(pk__in=not_approved).update(in_bank_file=False)
    for roll in PaymentRoll.unscoped.filter(pk__in=roll_ids):
        if roll.status == PaymentRoll.Status.GENERATED:
            refresh_totals(roll)
            check_roll(roll)
        record(
            AuditEntry.Action.UPDATE,
            obj=roll,
            changes={"held_after_death": person.pk, "died_on": died_on.isoformat(), "from_month": str(from_month)},
        )
    return f"暂缓发放名册明细{held}笔（死亡停发）" if held else ""


def _lock_programme(programme: str) -> None:
    """Approvals of one programme run one at a time, so two rolls cannot both pass the double check."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"payments.approve.{programme}"])


def approve_roll(roll: PaymentRoll, *, user, fund_override_reason: str = "") -> PaymentRoll:
    """审批: another person than the maker, no issues found at generation nor at approval; the roll
    is frozen from then on."""
    if roll.status != PaymentRoll.Status.GENERATED:
        raise DomainError(PaymentCode.NOT_GENERATED, "只有待审批的名册可以审批")
    if not user.can(Capability.APPROVE):
        raise DomainError(PaymentCode.FORBIDDEN, "无审批权限")
    if roll.generated_by_id == user.pk:
        raise DomainError(PaymentCode.MAKER_CHECKER, "名册生成人不能审批自己生成的名册（审核与审批须由不同人员完成）")
    if roll.issue_count:
        raise DomainError(
            PaymentCode.BLOCKED,
            f"名册有{roll.issue_count}个问题（死亡后发放、重复发放或收款人不符），处理后重新生成才能审批",
        )
    hooks.check_roll_approval(roll)  # e.g. a roll a 稽查 rule names waits for the auditor's opinion
    with transaction.atomic():
        _lock_programme(roll.programme)
        found = recheck_roll(roll)
        if not found:
            _approve(roll, user=user, fund_override_reason=fund_override_reason)
    if found:  # the findings are committed with the roll, so it shows why
        raise DomainError(
            PaymentCode.BLOCKED, f"审批时发现{found}个新问题（生成后登记的死亡或其他名册已发放），请重新生成名册"
        )
    return roll


def _approve(roll: PaymentRoll, *, user, fund_override_reason: str) -> None:
    now = timezone.now()
    moved = PaymentRoll.unscoped.filter(
        pk=roll.pk, status=PaymentRoll.Status.GENERATED, generated_at=roll.generated_at
    ).update(status=PaymentRoll.Status.APPROVED, approved_by=user, approved_at=now)
    if moved != 1:
        raise DomainError(PaymentCode.CONCURRENT_CHANGE, "名册刚被其他人修改，请刷新后重试")
    roll.status, roll.approved_by, roll.approved_at = PaymentRoll.Status.APPROVED, user, now
    record(
        AuditEntry.Action.UPDATE,
        obj=roll,
        changes={"status": ["generated", "approved"], "payable_fen": roll.payable_fen},
    )
    from payments.funds import post_roll_spending

    post_roll_spending(roll, user=user, override_reason=fund_override_reason)


def reject_roll(roll: PaymentRoll, *, user, reason: str) -> PaymentRoll:
    if not user.can(Capability.APPROVE):
        raise DomainError(PaymentCode.FORBIDDEN, "无审批权限")
    if not reason.strip():
        raise DomainError(PaymentCode.REASON_MISSING, "请填写退回理由")
    moved = PaymentRoll.unscoped.filter(pk=roll.pk, status=PaymentRoll.Status.GENERATED).update(
        status=PaymentRoll.Status.REJECTED, rejected_reason=reason[:200]
    )
    if moved != 1:
        raise DomainError(PaymentCode.NOT_GENERATED, "只有待审批的名册可以退回")
    roll.status, roll.rejected_reason = PaymentRoll.Status.REJECTED, reason
    record(AuditEntry.Action.UPDATE, obj=roll, changes={"status": ["generated", "rejected"], "reason": reason})
    return roll
