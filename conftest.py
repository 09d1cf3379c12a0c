"""Shared test set-up: every test starts inside the system jurisdiction scope (as a management
command would); requests made through the test client set their own scope from the user."""

import pytest

from areas.jurisdiction import system_scope


@pytest.fixture(autouse=True)
def _system_scope():
    with system_scope():
        yield


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit" / "checkpoints.jsonl")


@pytest.fixture(scope="session", autouse=True)
def _flush_past_append_only_triggers():
    """Transactional tests (live_server, transaction=True) end with Django emptying every table:
    `DELETE FROM` on SQLite, which the append-only row triggers refuse, and `TRUNCATE` on
    PostgreSQL, which the audit log's statement trigger refuses. While the test database is
    flushed, lift those triggers and put them back, in the same transaction."""
    from django.db import connections, transaction

    patched = {}
    for connection in connections.all():
        ops = type(connection.ops)
        if ops in patched:
            continue
        original = ops.execute_sql_flush

        def execute_sql_flush(self, sql_list, original=original):
            with transaction.atomic(using=self.connection.alias):
                with self.connection.cursor() as cursor:
                    restore = _lift_flush_triggers(cursor, self.connection.vendor)
                original(self, sql_list)
                with self.connection.cursor() as cursor:
                    for sql in restore:
                        cursor.execute(sql)

        patched[ops] = original
        ops.execute_sql_flush = execute_sql_flush
    yield
    for ops, original in patched.items():
        ops.execute_sql_flush = original


def _lift_flush_triggers(cursor, vendor: str) -> list[str]:
    """Drop (SQLite) or disable (PostgreSQL) the triggers a flush would hit; return the SQL that
    puts them back."""
    if vendor == "sqlite":
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%BEFORE DELETE%'")
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        return [sql for _name, sql in triggers]
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE '%%_no_truncate'"
        )
        triggers = cursor.fetchall()
        for table, name in triggers:
            cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
        return [f'ALTER TABLE {table} ENABLE TRIGGER "{name}"' for table, name in triggers]
    return []


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher costs over a second per hash here; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# Named people, one per role and level: 民生员 of village A, clerks of townships A and B, township A's
# reviewer, the county approver.
COUNTY = "430522000000"  # 新邵县
TOWNSHIP_A = "430522100000"  # 酿溪镇
TOWNSHIP_B = "430522101000"  # 严塘镇
VILLAGE_A = "430522100201"


@pytest.fixture
def county_bureau(db):
    from accounts.models import Unit
    from accounts.tests.factories import UnitFactory, ensure_area

    ensure_area(COUNTY, "新邵县")
    return UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code=COUNTY)


@pytest.fixture
def township_a(county_bureau):
    from accounts.tests.factories import UnitFactory, ensure_area

    ensure_area(TOWNSHIP_A, "酿溪镇")
    return UnitFactory(name="酿溪镇民政办", area_code=TOWNSHIP_A, parent=county_bureau)


@pytest.fixture
def township_b(county_bureau):
    from accounts.tests.factories import UnitFactory, ensure_area

    ensure_area(TOWNSHIP_B, "严塘镇")
    return UnitFactory(name="严塘镇民政办", area_code=TOWNSHIP_B, parent=county_bureau)


@pytest.fixture
def clerk_a(township_a):
    from accounts.tests.factories import StaffFactory

    return StaffFactory(username="clerk_a", full_name="李经办", unit=township_a, roles=["clerk"])


@pytest.fixture
def clerk_b(township_b):
    from accounts.tests.factories import StaffFactory

    return StaffFactory(username="clerk_b", full_name="王经办", unit=township_b, roles=["clerk"])


@pytest.fixture
def worker_a(township_a):
    from accounts.models import Unit
    from accounts.tests.factories import StaffFactory, UnitFactory, ensure_area

    ensure_area(VILLAGE_A, "城西社区")
    village = UnitFactory(
        name="城西社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE_A, parent=township_a
    )
    return StaffFactory(username="worker_a", full_name="赵民生", unit=village, roles=["livelihood_worker"])


@pytest.fixture
def reviewer_a(township_a):
    from accounts.tests.factories import StaffFactory

    return StaffFactory(username="reviewer_a", full_name="黄审核", unit=township_a, roles=["reviewer"])


@pytest.fixture
def approver(county_bureau):
    from accounts.tests.factories import StaffFactory

    return StaffFactory(username="approver", full_name="刘审批", unit=county_bureau, roles=["approver"])


@pytest.fixture
def auditor(county_bureau):
    from accounts.tests.factories import StaffFactory

    return StaffFactory(username="auditor", full_name="陈稽查", unit=county_bureau, roles=["auditor"])
