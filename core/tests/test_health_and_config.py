import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_healthz_reports_database_status(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def _start_with(env_overrides: dict, *command: str) -> subprocess.CompletedProcess:
    """manage.py `command` (default: check) in a fresh process with these environment variables."""
    env = {"PATH": "/usr/bin:/bin", "MINZHENG_DEBUG": "1", **env_overrides}
    return subprocess.run(  # noqa: S603 - our own manage.py with arguments from these tests
        [sys.executable, "manage.py", *(command or ("check",))],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("url", ["mysql://root@localhost/x", "not a url", "postgres://127.0.0.1:5432/"])
def test_a_malformed_database_url_stops_with_a_clear_message(url):
    result = _start_with({"DATABASE_URL": url})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "数据库" in result.stderr


def test_production_profile_refuses_to_start_without_secret_key():
    result = _start_with({"MINZHENG_DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_redis_task_backend_can_be_chosen_and_a_wrong_one_is_refused():
    assert _start_with({"MINZHENG_TASK_BACKEND": "rq"}).returncode == 0
    wrong = _start_with({"MINZHENG_TASK_BACKEND": "celery"})
    assert wrong.returncode != 0 and "MINZHENG_TASK_BACKEND" in wrong.stderr


def test_a_shared_redis_cache_can_be_configured_and_a_wrong_address_is_refused():
    code = "from django.core.cache import caches; c = caches['default']; c.set('mz-test', 7); print(type(c).__name__, c.get('mz-test'))"
    shared = _start_with({"MINZHENG_CACHE_URL": "redis://127.0.0.1:6379/1"}, "shell", "-v", "0", "-c", code)
    assert shared.stdout.split() == ["RedisCache", "7"], shared.stderr
    wrong = _start_with({"MINZHENG_CACHE_URL": "memcached://127.0.0.1:11211"})
    assert wrong.returncode != 0 and "MINZHENG_CACHE_URL" in wrong.stderr


def test_batch_sql_workers_default_to_the_cores_and_a_value_below_one_is_refused():
    code = "from django.conf import settings; import os; print(settings.BATCH_SQL_WORKERS == os.cpu_count())"
    assert _start_with({}, "shell", "-v", "0", "-c", code).stdout.split() == ["True"]
    chosen = "from django.conf import settings; print(settings.BATCH_SQL_WORKERS)"
    assert _start_with({"MINZHENG_BATCH_SQL_WORKERS": "6"}, "shell", "-v", "0", "-c", chosen).stdout.split() == ["6"]
    wrong = _start_with({"MINZHENG_BATCH_SQL_WORKERS": "0"})
    assert wrong.returncode != 0 and "MINZHENG_BATCH_SQL_WORKERS 不能小于 1" in wrong.stderr


def test_production_profile_refuses_a_weak_secret_key_and_is_clean_under_check_deploy():
    weak = _start_with({"MINZHENG_DEBUG": "0", "SECRET_KEY": "changeme", "ALLOWED_HOSTS": "mz.example"})
    assert weak.returncode != 0 and "SECRET_KEY 太弱" in weak.stderr
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
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


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
