"""Household address search served by an index (registry/search.py, docs/decisions/0006).

PostgreSQL: a pg_trgm GIN index on household.address (serves LIKE '%q%' for 3+ characters).
SQLite: an FTS5 trigram table over household.address (external content, kept in step by triggers,
so every writer — the ORM, bulk loaders, raw SQL — maintains it).
"""

from django.db import migrations

# Django remakes a table on SQLite for some ALTERs, which drops its triggers: a later migration that
# remakes registry_household must create these three again (test_search's address tests would fail).
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE registry_household_address_fts USING fts5("
    "address, content='registry_household', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER registry_household_address_fts_ai AFTER INSERT ON registry_household BEGIN "
    "INSERT INTO registry_household_address_fts(rowid, address) VALUES (new.id, new.address); END",
    "CREATE TRIGGER registry_household_address_fts_ad AFTER DELETE ON registry_household BEGIN "
    "INSERT INTO registry_household_address_fts(registry_household_address_fts, rowid, address) "
    "VALUES ('delete', old.id, old.address); END",
    "CREATE TRIGGER registry_household_address_fts_au AFTER UPDATE OF address ON registry_household BEGIN "
    "INSERT INTO registry_household_address_fts(registry_household_address_fts, rowid, address) "
    "VALUES ('delete', old.id, old.address); "
    "INSERT INTO registry_household_address_fts(rowid, address) VALUES (new.id, new.address); END",
    "INSERT INTO registry_household_address_fts(registry_household_address_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER registry_household_address_fts_au",
    "DROP TRIGGER registry_household_address_fts_ad",
    "DROP TRIGGER registry_household_address_fts_ai",
    "DROP TABLE registry_household_address_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX household_address_trgm_idx ON registry_household USING gin (address gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX household_address_trgm_idx"]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_drop_redundant_name_indexes"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
