"""One reply from the accepting window: printable notice, SMS through the pluggable sender."""

import pytest

from accounts.tests.factories import StaffFactory
from cases.actions import approve_step, reject_case
from cases.models import SmsOutbox
from cases.replies import issue_reply
from cases.services import accept_application
from cases.tests.factories import DAY, give_documents, item
from core.errors import DomainError

pytestmark = pytest.mark.django_db

DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]
SENT: list[tuple[str, str]] = []


class RecordingSender:
    def send(self, phone, text, case=None):
        SENT.append((phone, text))


@pytest.fixture
def case(worker_a, household):
    give_documents(household, DOCS)
    return accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case


def test_reply_once_after_the_decision(case, worker_a, clerk_a):
    with pytest.raises(DomainError) as error:
        issue_reply(user=worker_a, case=case, on_date=DAY)
    assert error.value.code == "not_finished"
    step = case.steps.get(order=1)
    reject_case(user=worker_a, step_id=step.pk, expected_version=0, on_date=DAY, reason="家庭收入超过标准")
    case.refresh_from_db()
    with pytest.raises(DomainError) as error:
        issue_reply(user=clerk_a, case=case, on_date=DAY)
    assert error.value.code == "no_permission"  # the window that accepted replies
    reply = issue_reply(user=worker_a, case=case, on_date=DAY)
    assert "不予办理" in reply.text and "家庭收入超过标准" in reply.text and "行政复议" in reply.text
    sms = SmsOutbox.objects.get()
    assert sms.phone == "13800000001" and case.receipt_no in sms.text
    case.refresh_from_db()
    with pytest.raises(DomainError) as error:
        issue_reply(user=worker_a, case=case, on_date=DAY)
    assert error.value.code == "reply_issued"
    assert case.events.filter(kind="replied").count() == 1


def test_sender_is_pluggable(case, worker_a, settings):
    settings.CASES_SMS_SENDER = "cases.tests.test_reply.RecordingSender"
    step = case.steps.get(order=1)
    approve_step(user=worker_a, step_id=step.pk, expected_version=0, on_date=DAY)
    reject = case.steps.get(state="active")
    township_clerk = StaffFactory(unit=reject.responsible_unit, roles=["clerk"])
    reject_case(
        user=township_clerk, step_id=reject.pk, expected_version=reject.row_version, on_date=DAY, reason="不符合"
    )
    case.refresh_from_db()
    SENT.clear()
    issue_reply(user=worker_a, case=case, on_date=DAY)
    assert SENT and SENT[0][0] == "13800000001" and not SmsOutbox.objects.exists()
