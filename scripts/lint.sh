#!/usr/bin/env bash
# make lint: the same checks CI runs first (configuration in pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[lint] ruff check ."
.venv/bin/ruff check .
echo "[lint] ruff format --check ."
.venv/bin/ruff format --check .
echo "[lint] manage.py makemigrations --check (models and migrations in step)"
MINZHENG_DEBUG=1 .venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
    echo "[lint] 模型与迁移不一致 models and migrations differ: run manage.py makemigrations" >&2
    exit 1
}
echo "[lint] lint-imports (layers point one way; contract in pyproject.toml)"
.venv/bin/lint-imports --no-cache >/dev/null || {
    .venv/bin/lint-imports --no-cache | sed -n '/Broken contracts/,$p' >&2
    echo "[lint] 分层依赖被破坏 a lower layer imports a higher one (see docs/decisions/0002-app-layout.md)" >&2
    exit 1
}
