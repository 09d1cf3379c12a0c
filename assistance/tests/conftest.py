"""Named people and the demo county's standards for the assistance procedures (on top of the
project's conftest and the cases engine's): 赵民生 (worker_a, 民生员), 李经办 (clerk_a), 黄审核
(reviewer_a), 刘审批 (approver). Dates are injected; no test reads 'today'."""

from datetime import date

import pytest

from cases.tests.conftest import _fast_passwords, give_documents, household, reviewer_a  # noqa: F401
from registry.models import Membership
from registry.tests.factories import HouseholdFactory, PersonFactory

DIBAO_DOCS = [
    "id_card",
    "household_booklet",
    "application_form",
    "verification_authorization",
    "income_proof",
    "bank_card",
]


@pytest.fixture
def demo_policy(db):
    """The demo county's local amounts (used by the procedure tests, not by the policy tests)."""
    from policy.demo import load_demo_policy

    load_demo_policy()


def add_member(home, name, relation, birth, **person):
    person = PersonFactory(name=name, birth_date=birth, area_code=home.area_code, **person)
    Membership.objects.create(
        household=home,
        person=person,
        relation=relation,
        start_date=date(2020, 1, 1),
        area_code=home.area_code,
    )
    from registry.models import Document, DocumentType

    for doc_type in DocumentType.objects.filter(code__in=DIBAO_DOCS, holder=DocumentType.Holder.PERSON):
        Document.objects.create(
            doc_type=doc_type, number=f"{doc_type.code}-{person.pk}", person=person, area_code=person.area_code
        )
    return person


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
