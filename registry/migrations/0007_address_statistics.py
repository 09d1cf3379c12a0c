"""PostgreSQL: a finer statistics sample of household.address, so an address search uses its index.

`address LIKE '%12组2号%'` is estimated by matching the pattern against the column's histogram. With
the default 100 entries, one chance hit made the planner expect 1 % of all households (3,157 of
315,000, where 251 match), and it walked the table in a sequential scan instead of the trigram index:
15 ms instead of 1 ms, depending only on which rows the last ANALYZE happened to sample. With 1,000
entries a chance hit means 0.1 %, and the index wins unless the piece is really common. SQLite has nothing to
tune here (its FTS5 table is always used).
"""

from django.db import migrations


def _statistics(target: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE registry_household ALTER COLUMN address SET STATISTICS {target}")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_search_indexes_with_area"),
    ]

    operations = [
        migrations.RunPython(_statistics(1000), _statistics(-1)),
    ]
