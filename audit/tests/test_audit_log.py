"""The audit log records who changed what (old → new), is append-only and tamper-evident."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD
from audit.context import Actor, acting_as
from audit.models import AuditEntry
from audit.services import chained_at_end, record_personal_data_view, verify_chain
from core.append_only import allow_changes

pytestmark = pytest.mark.django_db


def _entries_for(obj):
    return AuditEntry.unscoped.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("id")


def test_create_and_update_are_logged_with_actor_and_old_new(township_a):
    actor = Actor(user_id=7, username="admin", unit_name="新邵县民政局", ip="10.1.2.3", area_code="430522000000")
    with acting_as(actor):
        township_a.phone = "0739-3621234"
        township_a.save()
    update = _entries_for(township_a).last()
    assert update.action == AuditEntry.Action.UPDATE
    assert update.username == "admin" and update.unit_name == "新邵县民政局" and update.ip == "10.1.2.3"
    assert update.changes == {"phone": ["", "0739-3621234"]}
    assert update.area_code == township_a.area_code
    assert _entries_for(township_a).first().action == AuditEntry.Action.CREATE


def test_saving_without_changes_writes_nothing(township_a):
    before = _entries_for(township_a).count()
    Unit.objects.get(pk=township_a.pk).save()
    assert _entries_for(township_a).count() == before


def test_sensitive_values_are_masked_in_the_log(clerk_a):
    clerk_a.phone = "13812345678"
    clerk_a.save()
    assert _entries_for(clerk_a).last().changes["phone"] == ["", "138****5678"]


def test_password_hash_never_reaches_the_log(clerk_a):
    clerk_a.set_password("Another@Pass1")
    clerk_a.save()
    entries = list(_entries_for(clerk_a))
    assert entries  # the account's creation at least
    assert all("password" not in e.changes and clerk_a.password not in str(e.changes) for e in entries)


def test_delete_is_logged(county_bureau):
    unit = Unit.objects.create(name="临时单位", kind=Unit.Kind.DEPARTMENT, area_code="430522000000")
    pk = unit.pk
    unit.delete()
    assert AuditEntry.unscoped.filter(object_id=str(pk), action=AuditEntry.Action.DELETE).exists()


def test_viewing_personal_data_is_logged(clerk_a):
    record_personal_data_view(clerk_a, ["phone"], reason="核实联系方式")
    entry = _entries_for(clerk_a).last()
    assert entry.action == AuditEntry.Action.VIEW_PERSONAL_DATA
    assert entry.changes == {"fields": ["phone"], "reason": "核实联系方式"}


def test_login_and_failed_login_are_logged_with_ip(client, clerk_a):
    client.post("/accounts/login/", {"username": "clerk_a", "password": "wrong"}, REMOTE_ADDR="10.9.8.7")
    client.post("/accounts/login/", {"username": "clerk_a", "password": TEST_PASSWORD}, REMOTE_ADDR="10.9.8.7")
    failed = AuditEntry.unscoped.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert failed.object_repr == "clerk_a" and failed.ip == "10.9.8.7"
    login = AuditEntry.unscoped.get(action=AuditEntry.Action.LOGIN)
    assert login.username == "clerk_a" and login.ip == "10.9.8.7"


def test_database_refuses_to_alter_or_delete_entries(township_a):
    entry = AuditEntry.unscoped.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.unscoped.filter(pk=entry.pk).update(username="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.unscoped.filter(pk=entry.pk).delete()


def _drop_append_only_triggers():
    """What a DBA with direct database access could do before tampering."""
    allow_changes("audit_auditentry", connection)


def _make_entries(county_bureau, n=5):
    for i in range(n):
        county_bureau.phone = f"0739-{i:07d}"
        county_bureau.save()
    return list(AuditEntry.unscoped.order_by("id"))


def test_verify_audit_passes_on_an_intact_chain(county_bureau, capsys):
    _make_entries(county_bureau)
    call_command("verify_audit")
    assert "操作日志完整" in capsys.readouterr().out


def test_verify_audit_reports_the_first_altered_entry(county_bureau):
    entries = _make_entries(county_bureau)
    _drop_append_only_triggers()
    victim = entries[3]
    AuditEntry.unscoped.filter(pk=victim.pk).update(username="someone else")
    report = verify_chain()
    assert report.broken_at == victim.pk and "篡改" in report.reason
    with pytest.raises(CommandError, match=f"第 {victim.pk} 号记录"):
        call_command("verify_audit")


def test_verify_audit_reports_a_removed_entry(county_bureau):
    entries = _make_entries(county_bureau)
    _drop_append_only_triggers()
    AuditEntry.unscoped.filter(pk=entries[2].pk).delete()
    assert verify_chain().broken_at == entries[3].pk


def test_a_blocks_entries_join_the_chain_at_its_end_and_vanish_with_a_rollback(county_bureau, township_a):
    before = AuditEntry.unscoped.count()
    with chained_at_end():
        county_bureau.phone = "0739-1111111"
        county_bureau.save()
        assert AuditEntry.unscoped.count() == before  # not yet: the chain lock is taken at the end
        with chained_at_end():  # nested blocks append with the outermost one
            township_a.phone = "0739-2222222"
            township_a.save()
    added = list(AuditEntry.unscoped.order_by("id")[before:])
    assert [e.object_id for e in added] == [str(county_bureau.pk), str(township_a.pk)]
    assert added[1].prev_hash == added[0].hash
    assert verify_chain().ok

    with pytest.raises(RuntimeError), chained_at_end():
        county_bureau.phone = "0739-3333333"
        county_bureau.save()
        raise RuntimeError
    assert AuditEntry.unscoped.count() == before + 2
    county_bureau.phone = "0739-4444444"
    county_bureau.save()  # outside a block: appended at once, linked to the last entry
    assert AuditEntry.unscoped.order_by("-id").first().prev_hash == added[1].hash
    assert verify_chain().ok
