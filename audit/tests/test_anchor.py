"""The audit chain is anchored outside the database: a key the database does not hold, signed
checkpoints in a file, TRUNCATE refused. What a database superuser could do is found out."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from audit.anchor import checkpoint_file, write_checkpoint
from audit.models import AuditEntry
from audit.services import record, verify_chain
from core.append_only import allow_changes

pytestmark = pytest.mark.django_db


def _entries(count):
    for n in range(count):
        record(AuditEntry.Action.EXPORT, changes={"n": n})
    return list(AuditEntry.unscoped.order_by("id"))


def test_new_entries_are_keyed_and_verify(settings):
    entries = _entries(3)
    assert all(entry.keyed for entry in entries)
    assert verify_chain().ok


def test_a_chain_rewritten_without_the_key_does_not_verify(settings):
    entries = _entries(3)
    allow_changes("audit_auditentry", connection)
    # the database owner edits an entry and recomputes its hash as best they can (no key)
    forged = entries[1]
    forged.changes = {"n": 99}
    forged.keyed = False
    import hashlib

    forged.hash = hashlib.sha256(b"anything").hexdigest()
    AuditEntry.unscoped.filter(pk=forged.pk).update(changes=forged.changes, keyed=False, hash=forged.hash)
    report = verify_chain()
    assert not report.ok and report.broken_at == forged.pk


def test_cutting_off_the_newest_rows_is_found_by_the_checkpoint():
    entries = _entries(5)
    write_checkpoint()
    allow_changes("audit_auditentry", connection)
    AuditEntry.unscoped.filter(pk__in=[e.pk for e in entries[3:]]).delete()
    report = verify_chain()
    assert not report.ok and "最新的记录被截掉" in report.reason


def test_a_rebuilt_chain_does_not_match_the_checkpoint(settings):
    entries = _entries(3)
    write_checkpoint()
    allow_changes("audit_auditentry", connection)
    AuditEntry.unscoped.all().delete()
    # rebuilt with the same number of rows, each validly chained (the attacker holds the key here)
    rebuilt = _entries(3)
    assert [e.pk for e in rebuilt] != [e.pk for e in entries]
    report = verify_chain()
    assert not report.ok and "检查点" in report.reason


def test_a_tampered_checkpoint_line_is_reported():
    _entries(2)
    write_checkpoint()
    path = checkpoint_file()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["count"] = 1
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    report = verify_chain()
    assert not report.ok and "签名不符" in report.reason


def test_verify_audit_writes_a_checkpoint_only_after_a_clean_check(capsys):
    _entries(2)
    call_command("verify_audit", "--checkpoint")
    assert "已记下检查点" in capsys.readouterr().out
    assert len(checkpoint_file().read_text(encoding="utf-8").splitlines()) == 1
    assert oct(checkpoint_file().stat().st_mode)[-3:] == "600"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE trigger: PostgreSQL")
def test_truncate_of_the_audit_log_is_refused():
    from django.db import DatabaseError, transaction

    _entries(1)
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry")
    assert AuditEntry.unscoped.count() == 1
