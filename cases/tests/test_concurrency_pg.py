"""Two officers acting on the same step at the same moment, in real concurrent transactions:
exactly one succeeds, the other is told who was first. PostgreSQL only (SQLite serialises writers)."""

import threading
import time

import pytest
from django.db import connection, transaction

from accounts.tests.factories import StaffFactory
from areas.jurisdiction import system_scope
from cases.actions import approve_step
from cases.models import CaseStep
from cases.services import accept_application
from cases.tests.factories import DAY, give_documents, item, restore_reference_data
from core.errors import DomainError

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL：真实并发事务（DATABASE_URL=postgres://...）")
    restore_reference_data()


@pytest.fixture
def contested(worker_a, household):
    colleague = StaffFactory(username="worker_a2", full_name="钱民生", unit=worker_a.unit, roles=["livelihood_worker"])
    give_documents(household, DOCS)
    case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    return case.steps.get(state=CaseStep.State.ACTIVE), [worker_a, colleague]


def _run(target, *args):
    def wrapped():
        try:
            with system_scope():
                target(*args)
        finally:
            connection.close()

    return threading.Thread(target=wrapped)


def test_two_clicks_at_once_exactly_one_wins(contested):
    step, users = contested
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def click(user):
        barrier.wait()
        try:
            approve_step(user=user, step_id=step.pk, expected_version=0, on_date=DAY, opinion=user.username)
            results[user.username] = "ok"
        except DomainError as error:
            results[user.username] = error.code

    threads = [_run(click, user) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results.values()) == ["ok", "step_conflict"]
    step.refresh_from_db()
    assert step.state == CaseStep.State.DONE and step.row_version == 1
    assert step.case.events.filter(kind="step_approved").count() == 1
    assert step.case.steps.filter(state=CaseStep.State.ACTIVE).count() == 1


def _waiting_for_a_lock(pid: int) -> bool:
    """Whether that backend is blocked on a lock right now (pg_locks is live, not a snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return cursor.fetchone()[0]


def test_the_second_transaction_waits_for_the_first_and_then_loses(contested):
    """The first officer's transaction commits only once the database shows the second one blocked
    on its row lock: the order is forced by events and the lock table, not by sleeping."""
    step, (first, second) = contested
    first_updated, second_started = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first_click():
        with transaction.atomic():
            approve_step(user=first, step_id=step.pk, expected_version=0, on_date=DAY)
            first_updated.set()
            assert second_started.wait(10)
            deadline = time.monotonic() + 10
            while not (blocked := _waiting_for_a_lock(outcome["second_pid"])) and time.monotonic() < deadline:
                time.sleep(0.01)
            outcome["second_was_blocked"] = blocked

    def second_click():
        assert first_updated.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            outcome["second_pid"] = cursor.fetchone()[0]
        second_started.set()
        try:
            approve_step(user=second, step_id=step.pk, expected_version=0, on_date=DAY)
            outcome["code"] = "ok"
        except DomainError as error:
            outcome["code"], outcome["message"] = error.code, error.message

    threads = [_run(first_click), _run(second_click)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome.get("second_was_blocked") is True  # it really waited on the first transaction's row lock
    assert outcome["code"] == "step_conflict"
    assert "赵民生" in outcome["message"]
