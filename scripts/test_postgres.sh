#!/usr/bin/env bash
# Runs the command given (pytest and its arguments) with DATABASE_URL pointing at a PostgreSQL
# server; pytest-django creates and drops its own test database (test_minzheng) there.
#
# Which server, first that works:
#   1. TEST_DATABASE_URL, when set (used as it is);
#   2. the local server on 127.0.0.1:5432 as user postgres, when it answers (database name minzheng_<pid>,
#      so concurrent runs on one server do not collide);
#   3. a throwaway cluster from the installed PostgreSQL binaries (initdb + pg_ctl) in a temp
#      directory on a free port, stopped and removed afterwards.
# When none is possible the PostgreSQL run is skipped loudly — and under CI=true it fails instead.
# MINZHENG_TEST_PG=throwaway skips step 2 (to exercise step 3).
# scripts/test.sh sets two more:
#   MINZHENG_TEST_TEMPLATE=N  migrate one template database and copy it for pytest-django's database and for
#                             N xdist workers' (scripts/test_db_template.py); pytest then gets --reuse-db;
#   MINZHENG_TEST_WAIT_FOR=F  once that is done, wait until file F exists before running the tests (so the
#                             template migrates beside the SQLite run's set-up and the tests run after it).
set -uo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
LOCAL_SERVER="postgres://postgres@127.0.0.1:5432"
# pytest-django creates test_<name> (test_<name>_gw0, _gw1 with xdist). A name of this run's own keeps
# two runs on one shared server (two engineers, or CI beside a developer) out of each other's way.
LOCAL_DB="minzheng_$$"

say() { printf '[postgres] %s\n' "$*"; }
under_ci() { [[ ${CI:-} =~ ^([Tt][Rr][Uu][Ee]|1|[Yy][Ee][Ss])$ ]]; }

# Does a server answer at this URL (connecting to its maintenance database "postgres")?
answers() {
    "$PY" - "$1" <<'PYTHON' 2>/dev/null
import sys

import dj_database_url
import psycopg

db = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(
        dbname="postgres",
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        connect_timeout=3,
    ).close()
except Exception:
    sys.exit(1)
PYTHON
}

give_up() {
    local banner="PostgreSQL 测试未运行 THE POSTGRESQL RUN WAS SKIPPED: $*"
    printf '\n[postgres] %s\n[postgres] %s\n[postgres] %s\n\n' "$(printf '!%.0s' {1..70})" "$banner" "$(printf '!%.0s' {1..70})" >&2
    if under_ci; then
        say "CI=true: 不允许跳过 skipping is not allowed under CI" >&2
        exit 1
    fi
    exit 0
}

# Runs "$@" against the database at URL $1 (its name is pytest-django's base name), after the template and
# the wait when asked for.
run_on() {
    local url=$1
    shift
    if [[ -n ${MINZHENG_TEST_TEMPLATE:-} ]]; then
        local server=${url%/*} name=${url##*/} copies worker
        copies=("test_$name")
        for ((worker = 0; worker < MINZHENG_TEST_TEMPLATE; worker++)); do
            copies+=("test_${name}_gw$worker")
        done
        say "迁移一个模板库，再复制给 ${MINZHENG_TEST_TEMPLATE} 个测试进程 migrating one template database, copied for each test worker"
        "$PY" scripts/test_db_template.py build "$server/${name}_template" &&
            "$PY" scripts/test_db_template.py copy "$server/${name}_template" "${copies[@]}" ||
            return 1
        drop_database "$server" "${name}_template"
        set -- "$@" --reuse-db
    fi
    if [[ -n ${MINZHENG_TEST_WAIT_FOR:-} ]]; then
        say "模板库就绪，等待 SQLite 一遍结束 template ready; waiting for the SQLite run to finish"
        while [[ ! -e $MINZHENG_TEST_WAIT_FOR ]]; do
            # the run that asked for the wait is gone (interrupted): stop too
            kill -0 "${MINZHENG_TEST_PARENT:-$PPID}" 2>/dev/null || return 1
            sleep 1
        done
    fi
    DATABASE_URL="$url" "$@"
}

drop_database() {
    "$PY" - "$1" "$2" <<'PYTHON' 2>/dev/null
import sys

import dj_database_url
import psycopg

db = dj_database_url.parse(sys.argv[1] + "/postgres")
with psycopg.connect(
    dbname="postgres",
    user=db["USER"] or None,
    password=db["PASSWORD"] or None,
    host=db["HOST"] or None,
    port=db["PORT"] or None,
    autocommit=True,
) as conn:
    conn.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[2].replace('"', '""'))
PYTHON
}

if (($# == 0)); then
    echo "usage: $0 pytest [args...]" >&2
    exit 2
fi

# 1. an explicit server
if [[ -n ${TEST_DATABASE_URL:-} ]]; then
    say "使用 using TEST_DATABASE_URL"
    run_on "$TEST_DATABASE_URL" "$@"
    exit $?
fi

# Drops this run's test databases if pytest was interrupted before it could.
drop_local_test_databases() {
    "$PY" - "$LOCAL_SERVER" "test_$LOCAL_DB" <<'PYTHON' 2>/dev/null
import sys

import psycopg

with psycopg.connect(f"{sys.argv[1]}/postgres", autocommit=True, connect_timeout=3) as conn:
    names = conn.execute(
        "SELECT datname FROM pg_database WHERE datname IN (%s, %s) OR datname LIKE %s",
        [sys.argv[2], sys.argv[2].removeprefix("test_") + "_template", sys.argv[2] + "_gw%"],
    ).fetchall()
    for (name,) in names:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
PYTHON
}

# 2. the local server
if [[ ${MINZHENG_TEST_PG:-auto} != throwaway ]] && answers "$LOCAL_SERVER/postgres"; then
    say "使用本机服务器 using the local server: $LOCAL_SERVER/$LOCAL_DB (pytest-django creates test_$LOCAL_DB*)"
    trap drop_local_test_databases EXIT
    run_on "$LOCAL_SERVER/$LOCAL_DB" "$@"
    exit $?
fi

# 3. a throwaway cluster
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z $bindir ]] && command -v initdb >/dev/null 2>&1; then
    bindir=$(dirname "$(command -v initdb)")
fi
[[ -n $bindir && -x $bindir/initdb && -x $bindir/pg_ctl ]] ||
    give_up "no server on 127.0.0.1:5432 and no PostgreSQL binaries (initdb, pg_ctl) installed; set TEST_DATABASE_URL or apt-get install postgresql"

# initdb and pg_ctl refuse to run as root: run them as the postgres user.
as_owner=()
if [[ $(id -u) -eq 0 ]]; then
    id -u postgres >/dev/null 2>&1 || give_up "running as root and there is no 'postgres' user to run initdb as"
    as_owner=(runuser -u postgres --)
fi

cluster=$(mktemp -d -t minzheng-pg.XXXXXX)
chmod 0755 "$cluster"
[[ $(id -u) -eq 0 ]] && chown postgres: "$cluster"
pg() { (cd "$cluster" && "${as_owner[@]}" "$bindir/$1" "${@:2}"); }
cleanup() {
    pg pg_ctl -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$cluster"
}
trap cleanup EXIT

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "启动临时集群 starting a throwaway cluster ($bindir) on 127.0.0.1:$port in $cluster"
pg initdb -D "$cluster/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$cluster/initdb.log" 2>&1 ||
    { cat "$cluster/initdb.log" >&2; give_up "initdb failed"; }
pg pg_ctl -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
    -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null ||
    { cat "$cluster/server.log" >&2; give_up "the throwaway cluster did not start"; }

run_on "postgres://postgres@127.0.0.1:$port/minzheng" "$@"
