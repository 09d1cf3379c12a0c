"""Row-level security on PostgreSQL: a query that forgets the scope still sees only the area's rows."""

import pytest
from django.db import connection

from areas import row_security
from areas.jurisdiction import NOTHING, SYSTEM, Scope, system_scope, within
from registry.models import Person
from registry.tests.factories import PersonFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level security is PostgreSQL's"),
]

PROBE_ROLE = "minzheng_rls_probe"
TOWNSHIP_A, TOWNSHIP_B = "430522100", "430522104"


@pytest.fixture
def as_plain_role(settings):
    """The web service's production footing: row-level security on, queries run by a role that neither owns the
    tables nor is a superuser (both bypass every policy)."""
    settings.ROW_LEVEL_SECURITY = True
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {PROBE_ROLE} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {PROBE_ROLE}")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {PROBE_ROLE}")
        cursor.execute(f"SET LOCAL ROLE {PROBE_ROLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.fixture
def two_townships():
    with system_scope():
        a = PersonFactory(name="酿溪居民", area_code=f"{TOWNSHIP_A}201")
        b = PersonFactory(name="严塘居民", area_code=f"{TOWNSHIP_B}201")
    return a, b


def _raw_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM registry_person")
        return {row[0] for row in cursor.fetchall()}


def test_a_township_query_that_forgets_the_scope_still_sees_only_its_own_residents(two_townships, as_plain_role):
    with within(Scope(prefix=TOWNSHIP_A)):
        assert set(Person.unscoped.values_list("name", flat=True)) == {"酿溪居民"}
        assert _raw_names() == {"酿溪居民"}


def test_the_whole_system_sees_everyone_and_an_anonymous_scope_sees_no_one(two_townships, as_plain_role):
    with within(SYSTEM):
        assert _raw_names() == {"酿溪居民", "严塘居民"}
        with within(NOTHING):
            assert _raw_names() == set()
        # Leaving the inner scope restores the outer one in the database too.
        assert _raw_names() == {"酿溪居民", "严塘居民"}


def test_without_the_setting_the_policies_are_inert(two_townships, settings):
    settings.ROW_LEVEL_SECURITY = False
    with within(Scope(prefix=TOWNSHIP_A)), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [row_security.SETTING])
        assert cursor.fetchone()[0] in (None, "")


def test_every_personal_data_table_carries_the_policy():
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tablename FROM pg_policies WHERE policyname = 'minzheng_area_read'")
        guarded = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relname = ANY(%s)",
            [list(row_security.PERSONAL_DATA_TABLES)],
        )
        enabled = {row[0] for row in cursor.fetchall()}
    assert guarded == enabled == set(row_security.PERSONAL_DATA_TABLES)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_setting_follows_the_scope_in_and_out(settings):
    settings.ROW_LEVEL_SECURITY = True

    def current() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true)", [row_security.SETTING])
            return cursor.fetchone()[0]

    with within(Scope(prefix=TOWNSHIP_A)):
        assert current() == TOWNSHIP_A
        with within(NOTHING):
            assert current() == row_security.NO_AREA
        assert current() == TOWNSHIP_A
    assert current() in ("", None)
