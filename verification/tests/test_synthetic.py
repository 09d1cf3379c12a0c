"""The synthetic generators name real residents and load through the ordinary validated path."""

import pytest

from verification.models import Batch, DatasetRow
from verification.synthetic import load_demo_batches
from verification.tests.factories import DAY, family

pytestmark = pytest.mark.django_db


def test_demo_batches_are_valid_and_name_residents():
    people = [family({"name": f"居民{i}"}).head for i in range(40)]
    batches = load_demo_batches("430522", seed=3, on=DAY)
    assert batches and {b.status for b in batches} == {Batch.Status.LOADED}
    ids = {p.id_number for p in people}
    assert DatasetRow.objects.filter(id_number__in=ids).exists()
    assert DatasetRow.objects.exclude(id_number__in=ids).exists()  # outsiders too
