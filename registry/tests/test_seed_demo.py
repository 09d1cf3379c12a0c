"""seed_demo: deterministic, valid, sane households; refuses to double up; bulk path keeps indexes."""

from collections import defaultdict
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEntry
from registry import demo, idcard
from registry.models import Document, Household, Membership, Person, PersonNameGram
from registry.search import search_ids, search_persons

pytestmark = pytest.mark.django_db
COUNTY = "430522"
COMMUNITY = "430522100001"  # 城西社区 (urban)
VILLAGE = "430522100201"  # 石桥村 (rural)
GRID = "430522100201001"  # 第一网格 of 石桥村
OTHER_VILLAGE = "430522101201"


@pytest.fixture
def areas(db):
    from accounts.tests.factories import ensure_area

    ensure_area("430522100000", "酿溪镇")
    ensure_area("430522101000", "严塘镇")
    ensure_area(COMMUNITY, "城西社区")
    ensure_area(VILLAGE, "石桥村")
    ensure_area(GRID, "第一网格")
    ensure_area(OTHER_VILLAGE, "严塘村")


def snapshot():
    people = Person.unscoped.order_by("id").values_list("id", "id_number", "name", "area_code", "phone")
    members = Membership.unscoped.order_by("id").values_list("household_id", "person_id", "relation")
    households = Household.unscoped.order_by("id").values_list("number", "address", "head_id", "bank_account")
    return list(people), list(members), list(households)


def test_the_same_seed_gives_the_same_county_and_another_seed_another(areas):
    first = demo.seed_demo(COUNTY, 150, seed=5)
    assert first.households == 150 and first.persons > 150
    before = snapshot()
    again = demo.seed_demo(COUNTY, 150, seed=5, replace=True)
    assert again.cleared == 150
    assert snapshot() == before
    demo.seed_demo(COUNTY, 150, seed=6, replace=True)
    assert snapshot()[0] != before[0]


def test_the_rows_do_not_depend_on_how_the_load_is_chunked(areas):
    demo.seed_demo(COUNTY, 130, seed=5)
    whole = snapshot()
    demo.seed_demo(COUNTY, 130, seed=5, replace=True, chunk=40)
    assert snapshot() == whole


def test_every_id_number_is_valid_unique_and_matches_the_person(areas):
    result = demo.seed_demo(COUNTY, 300, seed=1)
    rows = list(Person.unscoped.values_list("id_number", "sex", "birth_date", "area_code", "name", "name_pinyin"))
    assert len(rows) == result.persons
    assert len({r[0] for r in rows}) == len(rows)
    for number, sex, birth, area_code, name, _pinyin in rows:
        info = idcard.parse(number)
        assert (info.sex, info.birth_date, info.issue_area_code) == (sex, birth, COUNTY)
        assert area_code in (COMMUNITY, GRID, OTHER_VILLAGE)  # the village with a grid gets its grid
        assert 2 <= len(name) <= 4
    from registry.pinyin import pinyin_of

    for _number, _sex, _birth, _area, name, pinyin in rows[:300]:
        assert pinyin == pinyin_of(name)[0], name


def test_households_have_one_head_and_children_younger_than_parents(areas):
    demo.seed_demo(COUNTY, 400, seed=3)
    members = defaultdict(list)
    births = dict(Person.unscoped.values_list("id", "birth_date"))
    for household_id, person_id, relation in Membership.unscoped.values_list("household_id", "person_id", "relation"):
        members[household_id].append((relation, person_id))
    households = {h.pk: h for h in Household.unscoped.all()}
    assert set(members) == set(households)
    kinds = defaultdict(int)
    for household_id, rows in members.items():
        heads = [p for r, p in rows if r == "02"]
        assert len(heads) == 1 and households[household_id].head_id == heads[0]
        head_birth = births[heads[0]]
        parents = [births[p] for r, p in rows if r in ("02", "11", "12")]
        for relation, person in rows:
            if relation in ("20", "30"):  # 子, 女: younger than head and spouse
                assert all(births[person].year - b.year >= 20 for b in parents)
            if relation in ("41", "43"):  # grandchildren: younger than their parents (son, daughter-in-law)
                for b in [births[p] for r, p in rows if r in ("20", "28")]:
                    assert births[person].year - b.year >= 20
            if relation in ("51", "52"):  # head's father/mother: older
                assert head_birth.year - births[person].year >= 20
        kinds[len(rows)] += 1
    assert kinds[1] and kinds[2] and max(kinds) >= 5  # singles, couples and three generations
    urban = Household.unscoped.filter(area_code=COMMUNITY)
    assert urban.exists() and not urban.exclude(kind="urban").exists()
    assert not Household.unscoped.exclude(area_code=COMMUNITY).exclude(kind="rural").exists()
    assert Household.unscoped.filter(address__startswith="酿溪镇石桥村").exists()
    assert Person.unscoped.exclude(disability_type="").exists()
    assert Person.unscoped.filter(disability_grade__in=[1, 2, 3, 4]).exists()
    assert Person.unscoped.exclude(serious_illness="").exists()
    assert Person.unscoped.filter(birth_date__lt=date(1960, 1, 1)).exists()
    assert Household.unscoped.exclude(bank_account="").exists()
    assert Document.unscoped.filter(doc_type_id="id_card").exists()


def test_demo_people_are_searchable_and_audited_once(areas):
    result = demo.seed_demo(COUNTY, 100, seed=2)
    person = Person.unscoped.filter(name__regex=r"^.{3}$").order_by("id").first()
    assert person in search_persons(person.name[1:])  # a 2-character fragment inside the name
    assert person in search_persons(person.name_initials)
    assert PersonNameGram.objects.filter(person=person).exists()
    entry = AuditEntry.unscoped.filter(action=AuditEntry.Action.IMPORT, object_type="registry.person").get()
    assert entry.changes["count"] == result.persons


def test_a_second_run_skips_and_says_so(areas, capsys):
    call_command("seed_demo", "--county", COUNTY, "--households", "50", "--seed", "1")
    count = Person.unscoped.count()
    call_command("seed_demo", "--county", COUNTY, "--households", "50", "--seed", "1")
    assert "已有演示居民数据（50户）" in capsys.readouterr().out
    assert Person.unscoped.count() == count
    call_command("seed_demo", "--county", COUNTY, "--households", "20", "--seed", "1", "--replace")
    assert Household.unscoped.count() == 20


def test_real_residents_are_kept_and_never_clash(areas):
    from registry.tests.factories import HouseholdFactory

    real = HouseholdFactory(area_code=VILLAGE)
    demo.seed_demo(COUNTY, 60, seed=1)
    demo.seed_demo(COUNTY, 60, seed=1, replace=True)
    assert Household.unscoped.filter(pk=real.pk).exists() and Person.unscoped.filter(pk=real.head_id).exists()
    assert Household.unscoped.count() == 61


def test_the_bulk_path_rebuilds_every_index(areas):
    before = sorted(demo._indexes())
    constraints = sorted(demo._constraints()) if connection.vendor == "postgresql" else []
    assert any("UNIQUE" in sql for _name, sql in before)  # the one-current-household rule
    if constraints:
        kinds = {definition.split(" (")[0] for _table, _name, definition in constraints}
        assert {"FOREIGN KEY", "UNIQUE", "PRIMARY KEY"} <= kinds  # the grams' key, referenced by nothing
    triggers = sorted(demo._insert_triggers()) if connection.vendor == "sqlite" else []
    demo.seed_demo(COUNTY, 120, seed=4, chunk=50, rebuild_indexes=True)
    assert sorted(demo._indexes()) == before
    if constraints:
        assert sorted(demo._constraints()) == constraints
    if triggers:  # the address FTS table's feed is back, and the FTS table holds the bulk-loaded rows
        assert sorted(demo._insert_triggers()) == triggers
    assert Household.unscoped.count() == 120
    person = Person.unscoped.order_by("-id").first()
    assert person in search_persons(person.id_number[-6:])
    last = Household.unscoped.order_by("-id").first()  # loaded in the last chunk
    assert last.head_id in search_ids(last.address, limit=1000)  # found by its address


def test_without_villages_the_command_explains_what_to_run(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="load_areas"):
        call_command("seed_demo", "--county", "430523", "--households", "5")
