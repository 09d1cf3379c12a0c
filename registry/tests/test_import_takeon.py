"""Bulk-load mode of the ledger import (registry/importing/takeon.py): PostgreSQL only.

A county's take-on drops the registry's indexes and foreign keys for the load and makes them again;
afterwards the schema must be exactly what the migrations made, and a load that fails must leave
the registry — rows and schema — as it was.
"""

import pytest
from django.db import IntegrityError, connection

from areas.jurisdiction import scope_for_area, within
from registry.importing.checking import check
from registry.importing.reading import read_sheet
from registry.importing.writing import BULK_TABLES, write_households
from registry.models import Household, Membership, Person, PersonNameGram
from registry.search import name_grams, search_persons
from registry.tests import samples
from registry.tests.test_import import VILLAGE_A, good_rows, villages  # noqa: F401 - a fixture

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db, pytest.mark.usefixtures("villages")]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL：批量导入模式只在 PostgreSQL 上删除并重建索引")


def schema() -> dict:
    """Every index and constraint of the four tables as Django's introspection sees it, with the
    database's own definition of each (opclasses, partial conditions, deferrability)."""
    found = {}
    with connection.cursor() as cursor:
        for model in BULK_TABLES:
            table = model._meta.db_table
            found[table] = connection.introspection.get_constraints(cursor, table)
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
            [[m._meta.db_table for m in BULK_TABLES]],
        )
        constraints = dict(cursor.fetchall())
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [[m._meta.db_table for m in BULK_TABLES]],
        )
        indexes = dict(cursor.fetchall())
    return {"introspection": found, "constraints": constraints, "indexes": indexes}


def plans(count: int, start: int = 1):
    sheet = read_sheet(samples.template_workbook_bytes(good_rows(count, start=start)), "台账.xlsx")
    with within(scope_for_area(VILLAGE_A[:9] + "000")):
        plan = check(sheet, default_area=VILLAGE_A)
    assert not plan.problems, plan.problems
    return plan.households


def test_take_on_leaves_the_schema_as_migrated_and_the_rows_searchable(clerk_a):
    migrated = schema()
    assert len(migrated["indexes"]) > 20  # the dozen person indexes, the trigram index, ...

    households = plans(3)
    typed = households[0].fields["address"] = "城西社区\\3组\t5号\n（老屋）"  # COPY's own characters
    illness = households[0].persons[0].fields["serious_illness"] = "尿毒症\\透析\t每周三次"
    written = write_households(households, source="台账.xlsx")  # an empty registry: a take-on

    assert written["bulk"] is True
    assert schema() == migrated
    assert (Person.unscoped.count(), Household.unscoped.count(), Membership.unscoped.count()) == (9, 3, 9)
    assert Household.unscoped.filter(address=typed).count() == 1
    assert Person.unscoped.filter(serious_illness=illness).count() == 1
    assert PersonNameGram.objects.exists()
    head = Person.unscoped.order_by("pk").first()
    with within(scope_for_area(VILLAGE_A)):
        assert head in search_persons(head.name[1:])  # found through the rebuilt gram and name indexes


@pytest.mark.parametrize("bulk", [True, False])
def test_every_person_gets_the_grams_of_their_name(clerk_a, bulk):
    """The name-gram rows go in as COPY text made by hand: each person's grams are exactly those of
    their name, also for a name holding COPY's own characters (a backslash typed in Excel)."""
    households = plans(3)
    households[1].persons[1].name = "阿\\依古丽"
    write_households(households, source="台账.xlsx", bulk=bulk)

    stored: dict[int, set[str]] = {}
    for person_id, gram, area_code in PersonNameGram.objects.values_list("person_id", "gram", "area_code"):
        stored.setdefault(person_id, set()).add(gram)
        assert area_code == Person.unscoped.get(pk=person_id).area_code
    persons = Person.unscoped.all()
    assert {person.pk: grams for person in persons if (grams := name_grams(person.name))} == stored
    assert "\\依" in stored[Person.unscoped.get(name="阿\\依古丽").pk]


def test_small_import_into_a_larger_registry_keeps_the_indexes(clerk_a):
    write_households(plans(3), source="first.xlsx")
    written = write_households(plans(1, start=10), source="daily.xlsx")  # 3 new persons next to 9
    assert written["bulk"] is False
    assert Person.unscoped.count() == 12


def test_failed_take_on_leaves_the_registry_untouched(clerk_a):
    write_households(plans(1), source="first.xlsx", bulk=False)
    before = schema()
    existing = list(Person.unscoped.order_by("pk").values_list("pk", "id_number"))
    # A person registered after the file was checked (another clerk, meanwhile): the rebuilt unique
    # index on the ID number refuses the whole load.
    late = plans(3, start=20)
    late[-1].persons[-1].id_number = existing[0][1]

    with pytest.raises(IntegrityError):
        write_households(late, source="late.xlsx", bulk=True)

    assert schema() == before
    assert list(Person.unscoped.order_by("pk").values_list("pk", "id_number")) == existing
    assert Household.unscoped.count() == 1 and Membership.unscoped.count() == 3
    assert not PersonNameGram.objects.exclude(person_id__in=[pk for pk, _ in existing]).exists()
