"""Helpers for the assistance tests: the documents a 低保 file needs, and members added to a
household with their own documents."""

from datetime import date

from registry.models import Document, DocumentType, Membership
from registry.tests.factories import PersonFactory

DIBAO_DOCS = [
    "id_card",
    "household_booklet",
    "application_form",
    "verification_authorization",
    "income_proof",
    "bank_card",
]


def add_member(home, name, relation, birth, **person):
    person = PersonFactory(name=name, birth_date=birth, area_code=home.area_code, **person)
    Membership.objects.create(
        household=home,
        person=person,
        relation=relation,
        start_date=date(2020, 1, 1),
        area_code=home.area_code,
    )
    for doc_type in DocumentType.objects.filter(code__in=DIBAO_DOCS, holder=DocumentType.Holder.PERSON):
        Document.objects.create(
            doc_type=doc_type, number=f"{doc_type.code}-{person.pk}", person=person, area_code=person.area_code
        )
    return person
