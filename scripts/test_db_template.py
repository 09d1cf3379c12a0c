"""make test: migrate one test database per engine once, then copy it for each test worker.

Migrating costs about 50 s of one core (the migration states of some thirty apps), and pytest-django
would do it once per xdist worker and per engine. scripts/test.sh instead builds one template per
engine — both at once, beside the lint — and copies it under the names pytest-django gives its
workers' databases; pytest then runs with --reuse-db, so Django finds each database migrated and
only checks that nothing is left to apply.

    test_db_template.py build DATABASE_URL
        create the database if needed (PostgreSQL) and migrate it, as Django's test set-up does
    test_db_template.py copy DATABASE_URL NAME [NAME ...]
        copy that migrated database to each NAME (PostgreSQL: CREATE DATABASE … TEMPLATE; SQLite:
        the backup API into a file of that name), replacing what was there
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dj_database_url  # noqa: E402


def _maintenance_connection(config: dict):
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def build(url: str) -> None:
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.postgresql":
        with _maintenance_connection(config) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {_quoted(config['NAME'])} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {_quoted(config['NAME'])}")
    else:
        Path(config["NAME"]).unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": url}
    # run_syncdb as Django's create_test_db does; -v0: the migration list is long and says nothing here.
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--run-syncdb", "--no-input", "-v0"], env=env, check=True
    )


def copy(url: str, names: list[str]) -> None:
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.postgresql":
        with _maintenance_connection(config) as conn:
            for name in names:
                conn.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {_quoted(name)} TEMPLATE {_quoted(config['NAME'])}")
        return
    source = sqlite3.connect(config["NAME"])
    try:
        for name in names:
            Path(name).unlink(missing_ok=True)
            target = sqlite3.connect(name)
            try:
                source.backup(target)
            finally:
                target.close()
    finally:
        source.close()


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "build":
        build(argv[1])
        return 0
    if len(argv) >= 3 and argv[0] == "copy":
        copy(argv[1], argv[2:])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
