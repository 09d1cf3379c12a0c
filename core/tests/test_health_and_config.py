import os
import runpy
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import CacheHandler
from django.core.exceptions import ImproperlyConfigured


@pytest.mark.django_db
def test_healthz_reports_database_status(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def _settings_with(monkeypatch, **env: str) -> dict:
    """minzheng/settings.py evaluated afresh, as a process started with only these variables (and development
    mode) would read it; the running settings are untouched. Starting fails exactly when this raises."""
    for name in list(os.environ):
        if name.startswith("MINZHENG_") or name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MINZHENG_DEBUG", "1")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(settings.BASE_DIR / "minzheng" / "settings.py"))


def _start_with(env_overrides: dict, *command: str) -> subprocess.CompletedProcess:
    """manage.py `command` in a fresh process with these environment variables (for what needs Django started)."""
    env = {"PATH": "/usr/bin:/bin", "MINZHENG_DEBUG": "1", **env_overrides}
    return subprocess.run(  # noqa: S603 - our own manage.py with arguments from these tests
        [sys.executable, "manage.py", *command],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("url", ["mysql://root@localhost/x", "not a url", "postgres://127.0.0.1:5432/"])
def test_a_malformed_database_url_stops_with_a_clear_message(monkeypatch, url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL") as refused:
        _settings_with(monkeypatch, DATABASE_URL=url)
    assert "数据库" in str(refused.value)


def test_production_profile_refuses_to_start_without_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _settings_with(monkeypatch, MINZHENG_DEBUG="0")


def test_the_redis_task_backend_can_be_chosen_and_a_wrong_one_is_refused(monkeypatch):
    chosen = _settings_with(monkeypatch, MINZHENG_TASK_BACKEND="rq")
    assert "RQ" in chosen["TASKS"]["default"]["BACKEND"]
    with pytest.raises(ImproperlyConfigured, match="MINZHENG_TASK_BACKEND"):
        _settings_with(monkeypatch, MINZHENG_TASK_BACKEND="celery")


def test_a_shared_redis_cache_can_be_configured_and_a_wrong_address_is_refused(monkeypatch):
    shared = _settings_with(monkeypatch, MINZHENG_CACHE_URL="redis://127.0.0.1:6379/1")
    cache = CacheHandler(shared["CACHES"])["default"]
    cache.set("mz-test", 7)
    assert (type(cache).__name__, cache.get("mz-test")) == ("RedisCache", 7)
    with pytest.raises(ImproperlyConfigured, match="MINZHENG_CACHE_URL"):
        _settings_with(monkeypatch, MINZHENG_CACHE_URL="memcached://127.0.0.1:11211")


def test_batch_sql_workers_default_to_the_cores_and_a_value_below_one_is_refused(monkeypatch):
    assert _settings_with(monkeypatch)["BATCH_SQL_WORKERS"] == os.cpu_count()
    assert _settings_with(monkeypatch, MINZHENG_BATCH_SQL_WORKERS="6")["BATCH_SQL_WORKERS"] == 6
    with pytest.raises(ImproperlyConfigured, match="MINZHENG_BATCH_SQL_WORKERS 不能小于 1"):
        _settings_with(monkeypatch, MINZHENG_BATCH_SQL_WORKERS="0")


def test_production_profile_refuses_a_weak_secret_key_and_is_clean_under_check_deploy(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY 太弱"):
        _settings_with(monkeypatch, MINZHENG_DEBUG="0", SECRET_KEY="changeme", ALLOWED_HOSTS="mz.example")
    strong = "k" + "Zx9-Qw_7" * 8
    deploy = _start_with(
        {"MINZHENG_DEBUG": "0", "SECRET_KEY": strong, "ALLOWED_HOSTS": "mz.example"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert deploy.returncode == 0, deploy.stderr + deploy.stdout


@pytest.mark.django_db
def test_healthz_does_not_tell_the_database_vendor(client):
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(client):
    header = client.get("/accounts/login/")["Content-Security-Policy"]
    # The directives' order is not fixed: read the header as directive -> sources.
    policy = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_no_template_runs_an_inline_script_the_policy_would_block():
    """script-src 'self' blocks inline <script> bodies and on…= handlers: behaviour lives in static/js."""
    import re

    offenders = []
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", text):
            offenders.append(f"{path.name}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.name}: {match.group(0).strip()}")
    assert not offenders, offenders


@pytest.mark.django_db
def test_api_docs_and_the_admin_sign_in_are_not_public(client, county_bureau):
    for path in ("/api/v1/openapi.json", "/api/v1/docs"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    admin_login = client.get("/admin/login/?next=/admin/")
    assert admin_login.status_code == 302 and admin_login["Location"].startswith("/accounts/login/")
    from accounts.tests.factories import StaffFactory

    client.force_login(StaffFactory(username="doc_reader", unit=county_bureau, roles=["clerk"]))
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "民政一体化服务平台 API"
