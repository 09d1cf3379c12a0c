"""Writing and checking the audit log. Nothing else writes AuditEntry rows."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone

from audit.context import current_actor
from audit.models import GENESIS_HASH, AuditEntry
from audit.tracking import Audited
from core.masking import mask_value

# One lock id for the whole chain: entries must be appended one at a time to link correctly.
_CHAIN_LOCK_ID = 7_202_611


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
    # SQLite: transactions are BEGIN IMMEDIATE (settings), so writers are already serialised.


def _last_hash() -> str | None:
    """The hash at the end of the chain. Plain SQL: every audited change asks, whoever's area it is in."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "hash" FROM {table} ORDER BY "id" DESC LIMIT 1')  # noqa: S608 - our table
        row = cursor.fetchone()
    return row[0] if row else None


# Entries of the current `chained_at_end` block, appended to the chain together at its end.
_pending: ContextVar[list[AuditEntry] | None] = ContextVar("minzheng_audit_pending", default=None)


@contextmanager
def chained_at_end() -> Iterator[None]:
    """`transaction.atomic()` whose audit entries join the chain in one go just before the block
    commits: the chain lock is then held for one INSERT and the commit, not for the whole block,
    so concurrent writers are serialised only briefly. The entries are still written in the same
    transaction as the changes they describe. Not for blocks that catch database errors of inner
    savepoints (an entry of a rolled-back savepoint would be kept)."""
    if _pending.get() is not None:  # nested: the outermost block appends
        with transaction.atomic():
            yield
        return
    entries: list[AuditEntry] = []
    token = _pending.set(entries)
    try:
        with transaction.atomic():
            yield
            _pending.reset(token)
            token = None
            _append(entries)
    finally:
        if token is not None:
            _pending.reset(token)


def _append(entries: list[AuditEntry]) -> None:
    """Link `entries` to the end of the chain and insert them, under the chain lock."""
    if not entries:
        return
    with transaction.atomic(savepoint=False):  # a failed insert fails the caller's transaction anyway
        _lock_chain()
        prev = _last_hash() or GENESIS_HASH
        for entry in entries:
            entry.keyed = True
            entry.prev_hash = prev
            entry.hash = prev = entry.compute_hash()
        AuditEntry.unscoped.bulk_create(entries)


def record(
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    area_code: str = "",
    changes: dict | None = None,
) -> AuditEntry:
    """Append one entry for what the current actor did (inside `chained_at_end`: at the block's end)."""
    actor = current_actor()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        area_code = area_code or getattr(obj, "area_code", "") or ""
    entry = AuditEntry(
        created_at=timezone.now(),
        user_id_at_time=actor.user_id,
        username=actor.username,
        unit_name=actor.unit_name,
        ip=actor.ip,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        area_code=area_code or actor.area_code,
        changes=changes or {},
    )
    pending = _pending.get()
    if pending is not None:
        pending.append(entry)
    else:
        _append([entry])
    return entry


def record_saved(instance: Audited, created: bool) -> None:
    """The entry for a row of an Audited model just saved (the post_save receiver): its fields old → new."""
    new = instance.audit_values()
    old = {} if created else getattr(instance, "_audit_snapshot", {})
    changes = field_changes(type(instance), old, new)
    instance._audit_snapshot = new
    if created or changes:
        record(AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, obj=instance, changes=changes)


def update_logged(queryset: models.QuerySet, instance: Audited, **changes) -> bool:
    """`queryset.update(**changes)` for the row of `instance`, logged as save() would log it.

    The way to change an Audited row without save(): `queryset` may add conditions (a state, a
    version), and when the row matched `instance` takes the new values and one entry records the
    fields that changed, old → new. Returns whether the row matched. Values are plain values, not
    expressions (the entry must say what was written)."""
    if any(hasattr(value, "resolve_expression") for value in changes.values()):
        raise TypeError("update_logged: an expression would be logged as what was written")
    if not queryset.filter(pk=instance.pk).update(**changes):
        return False
    snapshot = getattr(instance, "_audit_snapshot", {})
    for name, value in changes.items():
        setattr(instance, name, value)
    written = {instance._meta.get_field(name).attname for name in changes}
    new = {name: value for name, value in instance.audit_values().items() if name in written}
    diff = field_changes(type(instance), {name: snapshot.get(name) for name in new}, new)
    instance._audit_snapshot = {**snapshot, **new}
    if diff:
        record(AuditEntry.Action.UPDATE, obj=instance, changes=diff)
    return True


def record_personal_data_view(obj: models.Model, fields: list[str], reason: str = "") -> AuditEntry:
    """Someone saw a person's unmasked data (ID number, bank account, address ...)."""
    return record(AuditEntry.Action.VIEW_PERSONAL_DATA, obj=obj, changes={"fields": sorted(fields), "reason": reason})


def field_changes(model: type[models.Model], old: dict, new: dict) -> dict:
    """{field: [old, new]} for fields that differ; sensitive values are stored masked."""
    sensitive = set(getattr(model, "sensitive_fields", ()))
    diff = {}
    for name, new_value in new.items():
        old_value = old.get(name)
        if old_value == new_value:
            continue
        if name in sensitive:
            diff[name] = [mask_value(name, old_value), mask_value(name, new_value)]
        else:
            diff[name] = [_plain(old_value), _plain(new_value)]
    return diff


def _plain(value) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every hash in order and hold the chain against the signed checkpoints kept outside
    the database (audit.anchor); report the first entry whose link, content or key is wrong, or
    the first checkpoint the database no longer matches (rows cut off, chain rebuilt)."""
    from audit.anchor import read_checkpoints

    points, problems = read_checkpoints()
    if problems:
        return ChainReport(0, 0, problems[0])
    expected = {point.last_id: point for point in points if point.last_id}
    prev_hash = GENESIS_HASH
    checked = 0
    last_id = 0
    seen_keyed = False
    while True:
        batch = list(AuditEntry.unscoped.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.prev_hash != prev_hash:
                return ChainReport(checked, entry.id, "前序哈希不符：上一条记录被删除或篡改")
            if seen_keyed and not entry.keyed:
                return ChainReport(checked, entry.id, "密钥链之后出现了未加密钥的记录：日志被改写")
            if entry.compute_hash() != entry.hash:
                return ChainReport(checked, entry.id, "内容与哈希不符：本条记录被篡改")
            seen_keyed = seen_keyed or entry.keyed
            prev_hash = entry.hash
            checked += 1
            last_id = entry.id
            point = expected.pop(entry.id, None)
            if point is not None and (point.last_hash != entry.hash or point.count != checked):
                return ChainReport(checked, entry.id, f"与 {point.at} 的检查点不符：日志被改写或删除了记录")
    if expected:
        point = min(expected.values(), key=lambda p: p.last_id)
        return ChainReport(
            checked,
            point.last_id,
            f"{point.at} 的检查点记到第 {point.last_id} 号记录，数据库中已没有：最新的记录被截掉",
        )
    return ChainReport(checked=checked, broken_at=None, reason="")
