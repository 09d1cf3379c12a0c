"""PostgreSQL prepares the statements a connection runs again and again (server-side binding and
psycopg's prepare_threshold, minzheng/env.py; ADR 0011): ORM statements included, with new values."""

import pytest
from django.db import connection

from accounts.models import Unit
from accounts.tests.factories import UnitFactory
from areas.jurisdiction import system_scope

pytestmark = pytest.mark.django_db


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL：服务器端预编译语句")
def test_postgresql_keeps_an_orm_statement_run_again_and_again_prepared():
    with system_scope():
        bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
        names = [f"镇{n}民政办" for n in range(6)]
        for n, name in enumerate(names):
            UnitFactory(name=name, area_code=f"430522{100 + n}000", parent=bureau)
        found = [list(Unit.objects.filter(name__startswith=name).values_list("name", flat=True)) for name in names]
    assert found == [[name] for name in names]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared_texts = [row[0] for row in cursor.fetchall()]
    assert any("accounts_unit" in text and "LIKE" in text for text in prepared_texts), prepared_texts
