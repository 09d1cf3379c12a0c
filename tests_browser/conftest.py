"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Never `playwright install`: the browser is the system package `chromium` (installed by
`make setup`). Without it the browser tests are skipped with a loud reason, except under CI=true,
where they fail: CI must not pass with its browser tests silently gone.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API drives an asyncio event loop in the test thread; without this Django
# refuses ORM calls from that thread (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("MINZHENG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"
UNDER_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    """Skip loudly on a developer machine; fail under CI, where a skipped browser test hides a gap."""
    message = f"浏览器测试无法运行 browser tests cannot run: {reason}"
    if UNDER_CI:
        pytest.fail(message + " (CI=true: failing instead of skipping)", pytrace=False)
    pytest.skip(message + " — run `make setup` as root, or install it by hand")


@pytest.fixture(scope="session")
def browser():
    executable = CHROMIUM if os.path.isabs(CHROMIUM) else shutil.which(CHROMIUM)
    if not executable or not os.access(executable, os.X_OK):
        _unavailable(f"{CHROMIUM} not found (apt-get install -y --no-install-recommends chromium fonts-wqy-microhei)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (pip install -r requirements-dev.txt)")

    # Once Playwright's event loop runs in this thread, Django's thread-critical connection handler
    # hands out new connection objects (same test database, fresh attributes). Carry over the
    # snapshot that serialized rollback (see _migration_data) restores from.
    from django.db import connections

    snapshots = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as playwright:
        for alias, snapshot in snapshots.items():
            if snapshot is not None:
                connections[alias]._test_serialized_contents = snapshot
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test (no cookies carried over), in Simplified Chinese."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session", autouse=True)
def _sqlite_flush_past_append_only_triggers():
    """live_server tests are transactional: afterwards Django empties every table. On SQLite that is
    `DELETE FROM`, which the audit log's append-only trigger refuses (PostgreSQL uses TRUNCATE, which
    row triggers do not see). While the test database is flushed, lift the DELETE triggers and put
    them back, in the same transaction."""
    from django.db import connections, transaction

    sqlite_ops = {type(connection.ops) for connection in connections.all() if connection.vendor == "sqlite"}
    if not sqlite_ops:
        yield
        return
    (DatabaseOperations,) = sqlite_ops
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%BEFORE DELETE%'"
                )
                triggers = cursor.fetchall()
                for name, _sql in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
            original(self, sql_list)
            with self.connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql)

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 at Django's 1,000,000 rounds costs over a second per login here; these tests are about
    the pages, not the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _migration_data(django_db_serialized_rollback):
    """live_server tests are transactional, and each one ends by emptying every table — also the rows
    that data migrations made (roles, the service catalogue, policy parameters). Serialized rollback
    restores those rows before each browser test, whatever ran before it on this worker."""


@pytest.fixture(autouse=True)
def _screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def login(page, live_server, username: str, password: str):
    """Log in through the real login page, as a person would; returns the page it lands on."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    return page
