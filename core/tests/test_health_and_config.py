import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_healthz_reports_database_status(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def _start_with(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "MINZHENG_DEBUG": "1", **env_overrides}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
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
