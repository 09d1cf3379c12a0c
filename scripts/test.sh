#!/usr/bin/env bash
# make test: lint, then the whole suite twice — on SQLite and on PostgreSQL — browser tests included. The production
# drill is `make test-production` (scripts/test_production.sh), which CI runs after this.
# JUnit XML per run goes to test-results/{sqlite,postgres}.xml (.ci/run checks them), screenshots to
# test-results/screenshots/. Extra pytest arguments: PYTEST_ARGS="-k login" make test.
set -uo pipefail
cd "$(dirname "$0")/.."

export MINZHENG_DEBUG=1
export SECRET_KEY=${SECRET_KEY:-test-only-secret-key-not-for-production}
export MINZHENG_TASK_BACKEND=${MINZHENG_TASK_BACKEND:-db}
RESULTS=test-results
# Two workers: the machine has two cores; each worker runs its own live server and Chromium.
read -r -a extra <<<"${PYTEST_ARGS:-}"
PYTEST=(.venv/bin/pytest -n 2 -rfEs "${extra[@]}")

say() { printf '\n[test] %s\n' "$*"; }

mkdir -p "$RESULTS"
rm -f "$RESULTS/sqlite.xml" "$RESULTS/postgres.xml"

say "代码检查 lint"
bash scripts/lint.sh || {
    echo "[test] 代码检查未通过 lint failed: run 'make format' to fix formatting" >&2
    exit 1
}

tmp=$(mktemp -d -t minzheng-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

say "第一遍 run 1/2: SQLite"
started=$SECONDS
DATABASE_URL="sqlite:///$tmp/minzheng-test.sqlite3" "${PYTEST[@]}" --junitxml="$RESULTS/sqlite.xml"
sqlite_rc=$?
sqlite_seconds=$((SECONDS - started))

say "第二遍 run 2/2: PostgreSQL"
started=$SECONDS
bash scripts/test_postgres.sh "${PYTEST[@]}" --junitxml="$RESULTS/postgres.xml"
postgres_rc=$?
postgres_seconds=$((SECONDS - started))

verdict() {
    if (($1 != 0)); then
        echo "失败 FAILED (exit $1)"
    elif [[ ! -f $2 ]]; then
        echo "跳过 SKIPPED (no $2)"
    else
        echo "通过 passed"
    fi
}
say "结果 summary"
echo "  SQLite:     $(verdict $sqlite_rc "$RESULTS/sqlite.xml") in ${sqlite_seconds}s"
echo "  PostgreSQL: $(verdict $postgres_rc "$RESULTS/postgres.xml") in ${postgres_seconds}s"
echo "  screenshots: $RESULTS/screenshots/"
((sqlite_rc == 0 && postgres_rc == 0))
