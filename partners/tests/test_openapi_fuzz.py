"""Schemathesis against the whole OpenAPI (issue 24 §3): a short, seeded run of every operation,
with data that fits the schema and data that does not, as a signed-in county superuser for the
staff API and as a partner client holding every scope for the partners' API. No answer may be a
server error: bad input gets a 4xx with a Chinese message.

Seeded (hypothesis derandomize): the same examples every run, so CI is stable; raise
MINZHENG_FUZZ_EXAMPLES for a longer local hunt. Skipped when schemathesis is not installed."""

import json
import os
from datetime import date
from decimal import Decimal

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402 - after the skip

from accounts.tests.factories import StaffFactory  # noqa: E402
from accounts.tokens import issue_token  # noqa: E402
from partners.scopes import Scope  # noqa: E402
from partners.tests.factories import issue  # noqa: E402

pytestmark = pytest.mark.django_db
# The batch upload's body is JSON Lines: sent as the text it is.
schemathesis.serializer.alias("application/x-ndjson", "text/plain")
EXAMPLES = int(os.environ.get("MINZHENG_FUZZ_EXAMPLES", "4"))
CHINESE = ("\u4e00", "\u9fff")


@pytest.fixture
def some_data(township_a, village_a):
    from ledger.services import enrol
    from policy.tests.factories import local_amounts
    from registry.tests.factories import HouseholdFactory

    local_amounts()
    household = HouseholdFactory(area_code="430522100201")
    enrol(programme="dibao", household=household, monthly_amount=Decimal("400.00"), decided_on=date(2026, 10, 20))
    return household


def _chinese(response) -> bool:
    try:
        text = json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        text = response.text
    return any(CHINESE[0] <= ch <= CHINESE[1] for ch in text)


@pytest.fixture
def connection_kept():
    """The WSGI handler closes the database connection after each request; inside a test's
    transaction it must not (django.test.Client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_input_makes_a_server_error(some_data, county_bureau, connection_kept):
    from django.core.wsgi import get_wsgi_application

    from minzheng.api import api

    app = get_wsgi_application()
    staff = StaffFactory(username="fuzz_admin", unit=county_bureau, roles=["approver", "auditor", "leader"])
    staff_headers = {"Authorization": f"Bearer {issue_token(staff, '接口测试')}"}
    partner = issue(scopes=list(Scope.values), rate_limit_per_minute=100_000, name="接口测试系统")
    partner_headers = {"Authorization": f"Bearer {partner.credential}"}
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
    server_errors: list[str] = []
    unreadable: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:
        headers = partner_headers if operation.path.startswith("/api/v1/partners") else staff_headers
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            run_examples(operation, mode, app, headers, server_errors, unreadable)

    assert server_errors == [], "\n".join(server_errors)
    assert unreadable == [], "\n".join(unreadable)


def run_examples(operation, mode, app, headers, server_errors: list, unreadable: list) -> None:
    """One operation, one generation mode: a few seeded examples, each answer checked."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case):
        response = case.call(app=app, headers=headers)
        label = f"{case.method} {case.formatted_path} {mode.value}"
        if response.status_code >= 500:
            server_errors.append(f"{label} → {response.status_code}: {case.as_curl_command()}")
        elif 400 <= response.status_code < 500 and not _chinese(response):
            unreadable.append(f"{label} → {response.status_code}: {response.text[:120]}")

    call()
