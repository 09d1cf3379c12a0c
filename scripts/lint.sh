#!/usr/bin/env bash
# make lint: the same checks CI runs first (configuration in pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[lint] ruff check ."
.venv/bin/ruff check .
echo "[lint] ruff format --check ."
.venv/bin/ruff format --check .
