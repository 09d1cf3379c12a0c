"""A separate worker process (manage.py db_worker) loads no URLconf: every job function must be
registered by its app's ready(), or jobs of that kind fail in production while passing in tests."""

import json
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

DECORATOR = re.compile(r'@job_function\("([^"]+)"\)')


def test_every_job_kind_is_known_to_a_fresh_worker_process():
    root = Path(settings.BASE_DIR)
    declared = {
        kind
        for path in root.glob("*/**/*.py")
        if ".venv" not in path.parts and "tests" not in path.parts and path != root / "jobs" / "services.py"
        for kind in DECORATOR.findall(path.read_text(encoding="utf-8"))
    }
    script = (
        "import django, json; django.setup(); "
        "from jobs.services import _FUNCTIONS; print(json.dumps(sorted(_FUNCTIONS)))"
    )
    env = {"PATH": "/usr/bin:/bin", "MINZHENG_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "minzheng.settings"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    registered = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert declared, "no job functions found"
    assert declared <= registered, f"not registered at start-up: {sorted(declared - registered)}"
