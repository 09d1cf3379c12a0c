"""core.prepared: statements compiled once answer as the ORM would, within the caller's jurisdiction."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Now

from accounts.models import Unit, User
from accounts.tests.factories import StaffFactory, UnitFactory
from areas.jurisdiction import NOTHING, scope_for_area, system_scope, within
from audit.models import AuditEntry
from core.prepared import prepared, prepared_insert, prepared_update
from registry.models import Person
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

_units_named = prepared(
    lambda start: Unit.objects.select_related("parent").filter(name__startswith=start).order_by("name"), start=str
)
_born_before = prepared(
    lambda day: Person.objects.filter(birth_date__lt=day).order_by("birth_date").values_list("name", flat=True),
    day=date,
)
_rename_unit = prepared_update(lambda pk, name: (Unit.objects.filter(pk=pk), {"name": name}), pk=int, name=str)
_insert_units = prepared_insert(Unit)
_insert_entries = prepared_insert(AuditEntry)
_stamp_login = prepared_update(
    lambda user_id, at: (User.objects.filter(pk=user_id), {"last_login": at}), user_id=int, at=datetime
)


@pytest.fixture
def county():
    with system_scope():
        bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
        UnitFactory(name="镇一民政办", area_code="430522100000", parent=bureau)
        UnitFactory(name="镇二民政办", area_code="430522101000", parent=bureau)
    return bureau


def test_a_prepared_read_gives_the_querysets_objects_and_only_those_of_the_users_area(
    county, django_assert_num_queries
):
    with within(scope_for_area("430522100000")):
        expected = list(Unit.objects.select_related("parent").filter(name__startswith="镇").order_by("name"))
        rows = _units_named(start="镇")
    assert [u.pk for u in rows] == [u.pk for u in expected]
    assert [u.name for u in rows] == ["镇一民政办"]
    with django_assert_num_queries(0):  # the related unit came in the same row
        assert rows[0].parent.name == "新邵县民政局"
    with system_scope():
        assert [u.name for u in _units_named(start="镇")] == ["镇一民政办", "镇二民政办"]
    with within(NOTHING):
        assert _units_named(start="镇") == []
        assert _units_named.first(start="镇") is None
    with system_scope():
        assert _units_named.first(start="镇").name == "镇一民政办"
        assert _units_named.first(start="无此") is None


def test_like_characters_in_a_value_match_themselves(county):
    with system_scope():
        UnitFactory(name="50%救助站", area_code="430522100000")
        UnitFactory(name="50元救助站", area_code="430522100000")
        UnitFactory(name="镇_临时", area_code="430522100000")
        assert [u.name for u in _units_named(start="50%")] == ["50%救助站"]
        assert [u.name for u in _units_named(start="镇_")] == ["镇_临时"]


def test_dates_are_values_of_the_statement():
    with system_scope():
        PersonFactory(name="甲", birth_date=date(1950, 3, 1))
        PersonFactory(name="乙", birth_date=date(1990, 3, 1))
        assert _born_before(day=date(1960, 1, 1)) == ["甲"]
        assert _born_before(day=date(2000, 1, 1)) == ["甲", "乙"]


def test_a_constant_that_happens_to_equal_a_placeholder_stays_a_constant(county):
    either = prepared(lambda pk: Unit.unscoped.filter(Q(pk=pk) | Q(pk=32700)).order_by("pk"), pk=int)
    with system_scope():
        fixed = UnitFactory(id=32700, name="固定单位", area_code="430522100000")
        assert [u.pk for u in either(pk=county.pk)] == [county.pk, fixed.pk]


def test_a_prepared_update_changes_only_rows_of_the_users_area(county):
    with system_scope():
        other = Unit.objects.get(name="镇二民政办")
    with within(scope_for_area("430522100000")):
        assert _rename_unit(pk=other.pk, name="改名") == 0
    with within(scope_for_area("430522101000")):
        assert _rename_unit(pk=other.pk, name="镇二民政办（新）") == 1
    with system_scope():
        assert Unit.objects.get(pk=other.pk).name == "镇二民政办（新）"


def test_a_prepared_update_writes_datetimes_and_empties():
    user = StaffFactory()
    at = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)
    with system_scope():
        assert _stamp_login(user_id=user.pk, at=at) == 1
        assert User.objects.get(pk=user.pk).last_login == at
        assert _stamp_login(user_id=user.pk, at=None) == 1
        assert User.objects.get(pk=user.pk).last_login is None


def test_a_prepared_insert_stores_the_rows_as_bulk_create_would_and_gives_them_their_keys(county):
    with system_scope():
        one = _insert_units([Unit(name="村一村委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code="430522100201")])
        three = _insert_units(
            [
                Unit(name=f"村{i}村委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code="430522100202", parent=county)
                for i in range(3)
            ]
        )
        again = _insert_units([Unit(name="村五村委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code="430522100203")])
        saved = {u.pk: u for u in Unit.objects.filter(area_code__startswith="4305221002")}
    units = one + three + again
    assert len({u.pk for u in units}) == 5 and all(not u._state.adding for u in units)
    assert {pk: (u.name, u.parent_id, u.is_active) for pk, u in saved.items()} == {
        u.pk: (u.name, u.parent_id, True) for u in units
    }

    at = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)
    entries = [
        AuditEntry(created_at=at, username="甲", action="create", changes={"金额": [None, "510.00"]}, hash=f"h{i}")
        for i in range(2)
    ]
    _insert_entries(entries)
    stored = AuditEntry.unscoped.get(pk=entries[1].pk)
    assert (stored.created_at, stored.changes, stored.hash) == (at, {"金额": [None, "510.00"]}, "h1")


def test_a_prepared_insert_refuses_an_expression_and_stores_nothing():
    with pytest.raises(TypeError, match="expressions"):
        _insert_entries([AuditEntry(created_at=Now(), username="甲", action="create", hash="x")])
    assert not AuditEntry.unscoped.filter(hash="x").exists()


def test_a_statement_whose_sql_depends_on_the_value_is_refused():
    with pytest.raises(TypeError, match="int, str, date or datetime"):
        prepared(lambda ids: Unit.objects.filter(pk__in=ids), ids=list)
    unused = prepared(lambda pk: Unit.unscoped.filter(name="x"), pk=int)
    with system_scope(), pytest.raises(TypeError, match="does not take"):
        unused(pk=1)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL：服务器端预编译语句")
def test_postgresql_keeps_a_statement_run_again_and_again_prepared(county):
    with system_scope():
        for _ in range(6):
            assert [u.name for u in _units_named(start="镇一")] == ["镇一民政办"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared_texts = [row[0] for row in cursor.fetchall()]
    assert any("accounts_unit" in text and "LIKE" in text for text in prepared_texts), prepared_texts
