"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Never `playwright install`: the browser is the system package `chromium` (installed by
`make setup`). Without it the browser tests are skipped with a loud reason, except under CI=true,
where they fail: CI must not pass with its browser tests silently gone.
"""

import json
import os
import shutil

import pytest

from tests_browser.helpers import SCREENSHOTS

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

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test (no cookies carried over), in Simplified Chinese."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    blocked = []  # what the Content-Security-Policy refused: a page that needs it is broken
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    if blocked:
        pytest.fail("页面有被内容安全策略拦截的脚本或资源 (CSP violations): " + " | ".join(blocked[:5]), pytrace=False)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 at Django's 1,000,000 rounds costs over a second per login here; these tests are about
    the pages, not the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Rows made by data migrations (roles, the service catalogue, policy parameters ...), as pytest-django
# serialized them when it created the test database, by database alias and model label.
_MIGRATION_ROWS: dict[str, dict[str, list[dict]]] = {}
# Recreated by post_migrate after every flush, with new ids: never restored from the snapshot.
_NOT_RESTORED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


@pytest.fixture(scope="session", autouse=True)
def _migration_snapshot(django_db_setup):
    """Take over the snapshot that pytest-django made for serialized rollback (requested below).

    Django's own restore cannot be used here: after a flush by an ordinary transactional test,
    post_migrate has recreated the content types with new ids and restoring the old ones collides.
    Also, once Playwright's event loop runs in this thread Django hands out new connection objects,
    which do not carry the snapshot. So keep it here, and let _migration_data restore what is missing.
    """
    from django.db import connections

    for connection in connections.all():
        snapshot = getattr(connection, "_test_serialized_contents", None)
        if snapshot is None:
            continue
        del connection._test_serialized_contents  # Django's restore and its post_migrate skip stay off
        rows: dict[str, list[dict]] = {}
        for row in json.loads(snapshot):
            if row["model"] not in _NOT_RESTORED:
                rows.setdefault(row["model"], []).append(row)
        _MIGRATION_ROWS[connection.alias] = rows


@pytest.fixture(autouse=True)
def _migration_data(django_db_serialized_rollback):
    """live_server tests are transactional, and every transactional test ends by emptying all tables,
    also the rows that data migrations made. Put those back into every table that is empty, so a browser
    test sees the same reference data whatever ran before it on this worker."""
    from django.apps import apps
    from django.core import serializers
    from django.core.management.color import no_style
    from django.db import connections, transaction

    for alias, rows_by_model in _MIGRATION_ROWS.items():
        connection = connections[alias]
        empty = [label for label in rows_by_model if not apps.get_model(label)._base_manager.using(alias).exists()]
        if not empty:
            continue
        rows = [row for label in empty for row in rows_by_model[label]]
        with transaction.atomic(using=alias), connection.constraint_checks_disabled():
            for obj in serializers.deserialize("python", rows, using=alias):
                obj.save()
        models = [apps.get_model(label) for label in empty]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def _screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
