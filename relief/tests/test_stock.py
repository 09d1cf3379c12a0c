"""The stock: received, issued only against a signature, never below zero (also under two
concurrent issues on PostgreSQL), every movement in an append-only ledger that balances."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from areas.jurisdiction import system_scope
from core.errors import DomainError
from registry.tests.factories import HouseholdFactory
from relief import stock
from relief.models import Material, StockItem, StockMovement


def issue(store, household, quantity, signature, key):
    from accounts.tests.factories import StaffFactory

    user = StaffFactory()
    return stock.issue(
        store=store, household=household, lines=[(Material.QUILT, quantity)], signer_name="户主",
        signature=signature, purpose="受灾群众生活救助", user=user, idempotency_key=key,
    )  # fmt: skip


@pytest.mark.django_db
def test_quilts_received_and_issued_balance(store, signature, approver):
    stock.receive(store=store, material=Material.QUILT, quantity=50, document_reference="调拨单1", user=approver)
    households = HouseholdFactory.create_batch(3)
    for index, household in enumerate(households):
        issue(store, household, 2, signature, f"k{index}")
    item = StockItem.objects.get(store=store, material=Material.QUILT)
    assert item.on_hand == 44
    [row] = stock.balances([store])
    assert row["agrees"] and row["ledger"] == 44 and row["issued"] == 6
    assert list(StockMovement.objects.filter(item=item).values_list("balance_after", flat=True)) == [50, 48, 46, 44]


@pytest.mark.django_db
def test_no_issue_without_a_signature_or_a_photo(store):
    stock.receive(store=store, material=Material.QUILT, quantity=5, document_reference="调拨单1", user=None)
    with pytest.raises(DomainError) as error:
        issue(store, HouseholdFactory(), 1, None, "k")
    assert error.value.code == "relief_no_signature"


@pytest.mark.django_db
def test_a_signature_that_is_not_an_image_is_refused():
    with pytest.raises(DomainError):
        stock.decode_signature("data:image/png;base64,bm90IGFuIGltYWdl")
    with pytest.raises(DomainError):
        stock.decode_signature("javascript:alert(1)")


@pytest.mark.django_db
def test_issuing_more_than_the_stock_is_refused_and_nothing_moves(store, signature):
    stock.receive(store=store, material=Material.QUILT, quantity=3, document_reference="调拨单1", user=None)
    with pytest.raises(DomainError) as error:
        issue(store, HouseholdFactory(), 4, signature, "k")
    assert error.value.code == "relief_stock_short"
    assert "现有3床" in error.value.message
    assert StockItem.objects.get().on_hand == 3
    assert StockMovement.objects.count() == 1


@pytest.mark.django_db
def test_the_same_tap_twice_issues_once(store, signature):
    stock.receive(store=store, material=Material.QUILT, quantity=3, document_reference="调拨单1", user=None)
    household = HouseholdFactory()
    first = issue(store, household, 1, signature, "same")
    assert issue(store, household, 1, signature, "same").pk == first.pk
    assert StockItem.objects.get().on_hand == 2


@pytest.mark.django_db
def test_the_database_refuses_a_negative_stock_and_a_changed_ledger(store):
    stock.receive(store=store, material=Material.QUILT, quantity=1, document_reference="调拨单1", user=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        StockItem.objects.update(on_hand=-1)
    with pytest.raises(DatabaseError), transaction.atomic():
        StockMovement.objects.update(quantity=99)
    with pytest.raises(DatabaseError), transaction.atomic():
        StockMovement.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issues_of_the_last_quilt_one_wins(county_bureau, signature):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two connections: PostgreSQL")
    from relief.models import Store

    store = Store.objects.create(area_code="430522000000", name="县库")
    stock.receive(store=store, material=Material.QUILT, quantity=1, document_reference="调拨单1", user=None)
    households = HouseholdFactory.create_batch(2)
    barrier = threading.Barrier(2)
    outcomes = []

    def worker(index):
        try:
            with system_scope():
                barrier.wait()
                with transaction.atomic():
                    issue(store, households[index], 1, signature, f"race-{index}")
            outcomes.append("issued")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["issued", "relief_stock_short"]
    item = StockItem.objects.get(store=store)
    assert item.on_hand == 0
    assert sum(StockMovement.objects.filter(item=item).values_list("quantity", flat=True)) == 0
