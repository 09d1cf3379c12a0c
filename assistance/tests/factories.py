"""Helpers for the assistance tests: the documents a 低保 file needs, members added to a
household with their own documents, and the 临时救助 set-up the payment tests share (the township's
fund, a household whose house burnt down, a signed receipt)."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

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


# ------------------------------------------------------------------ 临时救助 payments

TEMPORARY_DAY = date(2025, 9, 22)
TEMPORARY_TOWNSHIP = "430522100000"


def signed_receipt():
    """A scanned receipt signed by whoever took the money or the goods."""
    return SimpleUploadedFile("签收单.jpg", b"\xff\xd8\xff signed", content_type="image/jpeg")


def open_temporary_fund(year: int):
    """The township's 临时救助（急难型） account for a year, with 20,000 received."""
    from payments import funds
    from policy.programmes import Programme

    account = funds.open_account(
        programme=Programme.TEMPORARY_EMERGENCY,
        level="township",
        year=year,
        area_code=TEMPORARY_TOWNSHIP,
        name="酿溪镇临时救助专户",
    )
    reference = f"邵财社〔{year}〕1号"
    funds.post_entry(
        account, kind="budget_received", amount="20000", document_reference=reference, idempotency_key=f"b{year}"
    )
    return account


def fund_spending(account) -> list[int]:
    """The account's spending entries in fen, oldest first."""
    from payments.models import FundEntry

    return [e.amount_fen for e in FundEntry.objects.filter(account=account, kind="spending").order_by("id")]


def burnt_house_application(worker, on_date: date = TEMPORARY_DAY):
    """周火生's household, whose house burnt down, applies for 临时救助（急难型）: 1,500 asked for."""
    from assistance.procedure import apply_for_assistance
    from cases.tests.factories import give_documents
    from payments.tests.factories import household
    from policy.programmes import Programme

    home = household(name="周火生")
    give_documents(home, ["id_card"])
    return apply_for_assistance(
        user=worker,
        programme=Programme.TEMPORARY_EMERGENCY,
        household=home,
        on_date=on_date,
        facts={"requested_amount": "1500", "reason": "房屋失火"},
    )
