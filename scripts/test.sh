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
WORKERS=2
PYTEST=(.venv/bin/pytest -n "$WORKERS" -rfEs "${extra[@]}")

say() { printf '\n[test] %s\n' "$*"; }

mkdir -p "$RESULTS"
rm -f "$RESULTS/sqlite.xml" "$RESULTS/postgres.xml"

# Test databases live in memory-backed files when the machine has /dev/shm.
tmp=$(mktemp -d -p /dev/shm minzheng-test.XXXXXX 2>/dev/null || mktemp -d -t minzheng-test.XXXXXX)
postgres_pid=
cleanup() {
    [[ -n $postgres_pid ]] && kill "$postgres_pid" 2>/dev/null && wait "$postgres_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# Migrating a test database costs about 50 s of one core. Each engine migrates one template, both at once
# and beside the lint; every test worker gets a copy (scripts/test_db_template.py) and pytest runs with
# --reuse-db. The PostgreSQL run starts now in the background for its template, and waits for the SQLite
# run to end before its tests begin.
say "代码检查，同时迁移两种数据库的模板库 lint, while the SQLite and PostgreSQL template databases migrate"
MINZHENG_TEST_TEMPLATE=$WORKERS MINZHENG_TEST_WAIT_FOR="$tmp/sqlite.done" MINZHENG_TEST_PARENT=$$ \
    bash scripts/test_postgres.sh "${PYTEST[@]}" --junitxml="$RESULTS/postgres.xml" >"$tmp/postgres.log" 2>&1 &
postgres_pid=$!
bash scripts/lint.sh >"$tmp/lint.log" 2>&1 &
lint_pid=$!

sqlite_template="$tmp/template.sqlite3"
sqlite_test="$tmp/test.sqlite3"
sqlite_copies=("$sqlite_test")
for ((worker = 0; worker < WORKERS; worker++)); do
    sqlite_copies+=("${sqlite_test}_gw$worker")
done
.venv/bin/python scripts/test_db_template.py build "sqlite:///$sqlite_template" &&
    .venv/bin/python scripts/test_db_template.py copy "sqlite:///$sqlite_template" "${sqlite_copies[@]}"
template_rc=$?

wait "$lint_pid"
lint_rc=$?
cat "$tmp/lint.log"
if ((lint_rc != 0)); then
    echo "[test] 代码检查未通过 lint failed: run 'make format' to fix formatting" >&2
    exit 1
fi
((template_rc == 0)) || {
    echo "[test] SQLite 模板库迁移失败 migrating the SQLite template database failed" >&2
    exit 1
}

say "第一遍 run 1/2: SQLite"
started=$SECONDS
DATABASE_URL="sqlite:///$tmp/minzheng-test.sqlite3" MINZHENG_TEST_DATABASE_NAME="$sqlite_test" \
    "${PYTEST[@]}" --reuse-db --junitxml="$RESULTS/sqlite.xml"
sqlite_rc=$?
sqlite_seconds=$((SECONDS - started))
rm -f "${sqlite_copies[@]}" "$sqlite_template"

say "第二遍 run 2/2: PostgreSQL"
started=$SECONDS
touch "$tmp/sqlite.done"
tail -n +1 -f --pid="$postgres_pid" "$tmp/postgres.log"
wait "$postgres_pid"
postgres_rc=$?
postgres_pid=
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
