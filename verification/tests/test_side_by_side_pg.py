"""A sweep outside any transaction, as the background job runs it: the working tables committed, the
finding kinds and the signal rules side by side on connections of their own (verification/batch_sql.py).
PostgreSQL only: elsewhere, and inside a test's transaction, the same SQL runs one statement after
the other (every other sweep test)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from cases.tests.factories import restore_reference_data
from monitoring.models import Warning
from monitoring.signals import T_MEMBERS
from policy.tests.factories import restore_national_defaults
from verification.jobs import sweep_and_open
from verification.models import Finding
from verification.sweep_sql import WORKING_TABLES
from verification.tests.factories import DAY, load, two_deaths

# Skipped before any fixture runs: the package's autouse fixtures open the transactional database,
# whose flush afterwards SQLite's append-only triggers refuse.
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL：两个连接同时写入"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _reference_data():
    """A transactional test that ran before this one emptied every table, data migrations' rows too."""
    restore_reference_data()
    restore_national_defaults()
    importlib.import_module("monitoring.migrations.0003_signal_rules_append_only").load_rules(apps, None)


def _working_tables() -> list[str]:
    with connection.cursor() as cursor:
        names = [f"{table}_430522" for table in (*WORKING_TABLES, T_MEMBERS)]  # the county's
        cursor.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s)", [names])
        return [row[0] for row in cursor.fetchall()]


def test_findings_and_warnings_side_by_side_match_the_rules_and_a_rerun_adds_nothing(clerk_a, worker_a):
    couple, alone = two_deaths()
    load(
        "medical",
        ["身份证号", "姓名", "结算日期", "医疗总费用"],
        [[couple.head.id_number, "王大", "2025-08-20", "60000"]],
    )
    assert not connection.in_atomic_block  # the job's situation, not a test transaction

    during = []  # the working tables as each finding kind is written (progress runs in the job's thread)
    first = sweep_and_open(on_date=DAY, progress=lambda *_progress: during.append(_working_tables()))

    assert sorted(Finding.objects.values_list("kind", "household_id")) == sorted(
        [("death", couple.pk), ("death", alone.pk), ("paid_after_death", alone.pk)]
    )
    assert first["counts"]["death"] == 2 and first["work_opened"] == 3
    warning = Warning.objects.get()
    assert (warning.signal, warning.person_id, warning.risk) == ("illness", couple.head.pk, "high")
    # the county's own tables: each there when a kind reading it was written
    assert set().union(*during) == {f"{table}_430522" for table in WORKING_TABLES}
    assert _working_tables() == []  # dropped after it, and the lock released: a second run gets it
    second = sweep_and_open(on_date=DAY)
    assert sum(second["counts"].values()) == 0 and sum(second["monitoring"].values()) == 0
    assert (Finding.objects.count(), Warning.objects.count()) == (3, 1)
