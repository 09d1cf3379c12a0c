"""No write to an audited table on the hot paths without its audit entry.

The statements a request or service sends are read back (CaptureQueriesContext) and every INSERT,
UPDATE or DELETE of a table of an `Audited` model must be matched by an entry of the audit chain
for that model, written in the same block. A new write that skips the log (a bare QuerySet.update(),
bulk_create, plain SQL) fails these tests."""

import re
from collections import Counter
from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from audit.services import verify_chain
from audit.tracking import Audited
from cases.actions import reject_case, resume_after_correction, return_for_correction
from cases.models import Case, CaseStep
from cases.services import accept_application, supply_materials
from cases.tests.factories import DAY, give_documents, item

pytestmark = pytest.mark.django_db

DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _audited_tables() -> dict[str, str]:
    return {m._meta.db_table: m._meta.label_lower for m in apps.get_models() if issubclass(m, Audited)}


@contextmanager
def watched():
    """The block's writes to audited tables (per model) and those without an entry of the chain."""
    tables = _audited_tables()
    last = AuditEntry.unscoped.order_by("-id").values_list("id", flat=True).first() or 0
    seen = SimpleNamespace(writes=Counter(), unlogged={})
    with CaptureQueriesContext(connection) as queries:
        yield seen
    for query in queries.captured_queries:
        match = _WRITE.match(query["sql"])
        if match and match.group(1) in tables:
            seen.writes[tables[match.group(1)]] += 1
    logged = Counter(AuditEntry.unscoped.filter(id__gt=last).values_list("object_type", flat=True))
    seen.unlogged = {label: n - logged[label] for label, n in seen.writes.items() if n > logged[label]}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)  # the login's own writes are not part of the watched block
    client.get("/api/v1/accounts/me")  # nor the first request's session refresh
    return client


def _approve(client, case_id: int, step: dict) -> dict:
    response = client.post(
        f"/api/v1/cases/{case_id}/steps/{step['id']}/act",
        {"action": "approve", "version": step["version"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content.decode()
    return response.json()


def test_accepting_and_approving_to_the_end_logs_every_write_of_the_case(worker_a, clerk_a, approver, household):
    give_documents(household, DOCS)
    window, township, county = _client(worker_a), _client(clerk_a), _client(approver)

    with watched() as accepted:
        case = window.post(
            "/api/v1/cases/accept",
            {"item": "disability_living", "household_id": household.pk},
            content_type="application/json",
        ).json()
    with watched() as approved:
        after = _approve(window, case["id"], case["current_step"])
        after = _approve(township, case["id"], after["current_step"])
    with watched() as finished:
        after = _approve(county, case["id"], after["current_step"])

    assert after["status"] == Case.Status.APPROVED
    assert accepted.writes["cases.case"] >= 2 and approved.writes["cases.case"] >= 2  # the check is not vacuous
    assert finished.writes["cases.case"] >= 1
    assert (accepted.unlogged, approved.unlogged, finished.unlogged) == ({}, {}, {})
    assert verify_chain().ok


def test_materials_correction_and_rejection_log_every_write_of_the_case(worker_a, clerk_a, household):
    give_documents(household, [code for code in DOCS if code != "disability_certificate"])
    with watched() as waiting:
        case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    give_documents(household, ["disability_certificate"])
    with watched() as supplied:
        supply_materials(user=worker_a, case=case, on_date=DAY)
    step = case.steps.get(state=CaseStep.State.ACTIVE)
    with watched() as corrected:
        returned = return_for_correction(
            user=worker_a, step_id=step.pk, expected_version=step.row_version, on_date=DAY, reason="照片不清"
        )
        resumed = resume_after_correction(
            user=worker_a, step_id=step.pk, expected_version=returned.row_version, on_date=date(2025, 9, 29)
        )
    with watched() as rejected:
        reject_case(
            user=worker_a,
            step_id=step.pk,
            expected_version=resumed.row_version,
            on_date=date(2025, 9, 29),
            reason="不符",
        )

    case.refresh_from_db()
    assert case.status == Case.Status.REJECTED
    for block in (waiting, supplied, corrected, rejected):
        assert block.writes["cases.case"] >= 1 and block.unlogged == {}, block


def test_a_write_of_a_case_without_its_entry_is_caught(worker_a, household):
    give_documents(household, DOCS)
    case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case

    with watched() as bare:
        Case.objects.filter(pk=case.pk).update(phone="13900000000")

    assert bare.unlogged == {"cases.case": 1}
