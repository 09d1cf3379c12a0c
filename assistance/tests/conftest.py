"""Named people and the demo county's standards for the assistance procedures (on top of the
project's conftest): 赵民生 (worker_a, 民生员), 李经办 (clerk_a), 黄审核 (reviewer_a), 刘审批
(approver). Dates are injected; no test reads 'today'. Helpers are in assistance.tests.factories
and cases.tests.factories."""

from datetime import date

import pytest

from assistance.tests.factories import DIBAO_DOCS, add_member, burnt_house_application, open_temporary_fund
from cases.tests.factories import give_documents
from registry.tests.factories import HouseholdFactory


@pytest.fixture
def demo_policy(db):
    """The demo county's local amounts (used by the procedure tests, not by the policy tests)."""
    from policy.demo import load_demo_policy

    load_demo_policy()


@pytest.fixture
def household(worker_a):
    return HouseholdFactory(phone="13800000001")


@pytest.fixture
def wang_family(worker_a):
    """王秀兰's household in 城西社区: husband, a daughter at school, an adult son working away."""
    family = HouseholdFactory(
        head__name="王秀兰", head__sex="F", head__birth_date=date(1978, 3, 2), phone="13807390001"
    )
    add_member(family, "李建国", "11", date(1976, 8, 9))
    add_member(family, "李小雨", "30", date(2012, 4, 1), sex="F")
    add_member(family, "李大山", "20", date(1999, 1, 5))
    give_documents(family, DIBAO_DOCS)
    return family


@pytest.fixture
def fund(db):
    """The township's 临时救助 account for 2025 (20,000 received)."""
    return open_temporary_fund(2025)


@pytest.fixture
def fire(worker_a):
    """A household whose house burnt down: 1,500 asked for (临时救助（急难型）)."""
    return burnt_house_application(worker_a)
