#!/usr/bin/env bash
# The production drill (make test, third stage; docs/production.md). On loopback only, against the machine's
# PostgreSQL and Redis:
#   1. the production install's own commands — the ExecStart lines of deploy/systemd/*.service, rendered as
#      scripts/install-production.sh renders them — run with a production environment (MINZHENG_DEBUG=0, HTTPS,
#      strong keys) behind nginx rendered from deploy/nginx/minzheng.conf with a throwaway certificate;
#      `check --deploy` clean; a smoke test through nginx (redirect to HTTPS, HSTS and CSP, static files from
#      nginx, a clerk signs in and sees their home, a killed web worker is replaced and nothing fails);
#   2. a backup (scripts/backup.sh) and the restore drill (scripts/restore-drill) into a fresh cluster;
#   3. the read-replica drill (scripts/replica_drill.py): streaming replica, reads routed, writes never there,
#      promotion.
# First, before the production environment is set: the engine parity tests (ADR 0036) — PostgreSQL, DuckDB and
# Apache Spark (local mode) find the same findings, the sweep's and 政策找人's — with requirements-distributed.txt
# installed (scripts/setup_distributed.sh: PySpark, and Java 17 when run as root).
# For the soak bench (bench/soak.py): MINZHENG_PRODUCTION_PG=throwaway puts the database in a cluster of its own
# (so it can be restarted mid-run), and MINZHENG_PRODUCTION_THEN="command" runs that command after the smoke test,
# with BASE, WEB_MASTER_PID, PG_PORT, PG_DATADIR, DB_NAME and DB_ROLE exported, instead of steps 2 and 3.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# shellcheck source=scripts/production_lib.sh
source scripts/production_lib.sh
PY=$ROOT/.venv/bin/python

say() { printf '[production] %s\n' "$*"; }
fail() {
    printf '[production] 失败 FAILED: %s\n' "$*" >&2
    exit 1
}

if [[ -z ${MINZHENG_PRODUCTION_THEN:-} ]]; then # the soak (bench/soak.py) measures the web path only
    say "分布式引擎一致性 engine parity (the sweep, 政策找人): PostgreSQL, DuckDB, Spark"
    bash scripts/setup_distributed.sh || fail "requirements-distributed.txt / Java 17"
    MINZHENG_DEBUG=1 MINZHENG_DISTRIBUTED_TESTS=1 bash scripts/test_postgres.sh "$ROOT/.venv/bin/pytest" -q -n 0 \
        -p no:cacheprovider verification/tests/test_engines_parity.py outreach/tests/test_engines_parity.py ||
        fail "engine parity test"
fi

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [[ ! -x $NGINX ]]; then
    if [[ ${CI:-} == true ]]; then fail "nginx 未安装 (make setup installs nginx-light)"; fi
    say "跳过：nginx 未安装 skipped: nginx is not installed (make setup installs it as root)"
    exit 0
fi

tmp=$(mktemp -d -t minzheng-production.XXXXXX)
PG_PORT=5432
PG_DATADIR=
if [[ ${MINZHENG_PRODUCTION_PG:-} == throwaway ]]; then
    read -r PG_PORT PG_DATADIR < <("$PY" scripts/pgcluster.py new) || fail "throwaway cluster"
fi
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qAtc)
chmod 755 "$tmp"
DB_NAME="minzheng_prod_$$"
# The roles as installed: the owner, and the web service's own role that row-level security binds (ADR 0025).
DB_ROLE="minzheng_prod_$$"
DB_WEB_ROLE="minzheng_prod_web_$$"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        pkill -TERM -P "$pid" 2>/dev/null
        kill -TERM "$pid" 2>/dev/null
    done
    [[ -f $tmp/nginx/nginx.pid ]] && "$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -s stop 2>/dev/null
    wait 2>/dev/null
    "${PSQL[@]}" "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1
    "${PSQL[@]}" "DROP ROLE IF EXISTS $DB_WEB_ROLE" >/dev/null 2>&1
    "${PSQL[@]}" "DROP ROLE IF EXISTS $DB_ROLE" >/dev/null 2>&1
    [[ -n $PG_DATADIR ]] && "$PY" scripts/pgcluster.py remove "$PG_DATADIR" "$PG_PORT"
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
APP_PORT=$(free_port)
HTTP_PORT=$(free_port)
HTTPS_PORT=$(free_port)

say "生产环境 a production environment: database $DB_NAME, HTTPS on 127.0.0.1:$HTTPS_PORT"
"${PSQL[@]}" "CREATE ROLE $DB_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" || fail "cannot create role $DB_ROLE"
"${PSQL[@]}" "CREATE ROLE $DB_WEB_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" || fail "cannot create role $DB_WEB_ROLE"
"${PSQL[@]}" "CREATE DATABASE $DB_NAME OWNER $DB_ROLE" || fail "cannot create $DB_NAME"
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$DB_NAME" -qAtc "
    GRANT USAGE ON SCHEMA public TO $DB_WEB_ROLE;
    ALTER DEFAULT PRIVILEGES FOR ROLE $DB_ROLE IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO $DB_WEB_ROLE;
    ALTER DEFAULT PRIVILEGES FOR ROLE $DB_ROLE IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO $DB_WEB_ROLE;" ||
    fail "grants for $DB_WEB_ROLE"
mkdir -p "$tmp/var/media" "$tmp/audit" "$tmp/backups"
ln -s "$ROOT/var/cache" "$tmp/var/cache"
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
AUDIT_KEY=$("$PY" -c 'import secrets; print(secrets.token_hex(32))')
AUDIT_DIR=$tmp/audit
DB_USER=postgres
DB_WEB_USER=postgres
VAR_DIR=$tmp/var
BACKUP_DIR=$tmp/backups
SERVER_NAME=127.0.0.1
HTTPS_PORT_SUFFIX=":$HTTPS_PORT"
render_template deploy/minzheng.env.example "$tmp/minzheng.env" || fail "env template"
# The install connects over the local socket as its own role; the drill over loopback TCP as its own role.
sed -i "s#^DATABASE_URL=.*#DATABASE_URL=postgres://$DB_ROLE@127.0.0.1:$PG_PORT/$DB_NAME#" "$tmp/minzheng.env"
sed -i "s#^MINZHENG_WEB_DATABASE_URL=.*#MINZHENG_WEB_DATABASE_URL=postgres://$DB_WEB_ROLE@127.0.0.1:$PG_PORT/$DB_NAME#" "$tmp/minzheng.env"
redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || sed -i 's/^MINZHENG_CACHE_URL=.*/MINZHENG_CACHE_URL=/' "$tmp/minzheng.env"
set -a
# shellcheck disable=SC1091
source "$tmp/minzheng.env"
set +a
unset MINZHENG_DEBUG_OVERRIDE
export MINZHENG_DEBUG=0

say "迁移、区划、演示账号、静态文件 migrate, areas, accounts, collectstatic"
"$PY" manage.py migrate --noinput -v 0 || fail "migrate"
"$PY" manage.py load_areas >/dev/null || fail "load_areas"
"$PY" manage.py load_demo >/dev/null || fail "load_demo"
# A little money in the ledger and an uploaded file, so the restore drill's checksums compare something real.
"$PY" manage.py seed_demo --county 430522 --households 200 --seed 1 >/dev/null || fail "seed_demo"
"$PY" manage.py load_demo_policy >/dev/null || fail "load_demo_policy"
"$PY" manage.py seed_demo_recipients >/dev/null || fail "seed_demo_recipients"
mkdir -p "$VAR_DIR/media/documents" && printf '户口簿扫描件' >"$VAR_DIR/media/documents/drill.txt"
"$PY" manage.py collectstatic --noinput -v 0 || fail "collectstatic"
say "部署检查 manage.py check --deploy --fail-level WARNING"
"$PY" manage.py check --deploy --fail-level WARNING || fail "check --deploy is not clean"

say "systemd 单元的 ExecStart 命令 the units' own commands"
APP_USER=$(id -un)
ENV_FILE=$tmp/minzheng.env
APP_BIND=127.0.0.1:$APP_PORT
WORKERS=2
mkdir -p "$tmp/units"
for unit in deploy/systemd/minzheng-web.service deploy/systemd/minzheng-worker.service deploy/systemd/minzheng-scheduler.service; do
    name=$(basename "$unit" .service)
    render_template "$unit" "$tmp/units/$name.service" || fail "render $unit"
    command=$(exec_start "$tmp/units/$name.service")
    [[ -n $command ]] || fail "$unit has no ExecStart"
    say "  $name: $command"
    # systemd expands ${VARIABLE} from the environment file in ExecStart; eval does the same here.
    (cd "$ROOT" && eval exec "$command") >"$tmp/$name.log" 2>&1 &
    pids+=($!)
done

say "nginx（自签名证书 a throwaway certificate）"
mkdir -p "$tmp/nginx/logs" "$tmp/nginx/tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
    -keyout "$tmp/nginx/tls.key" -out "$tmp/nginx/tls.crt" >/dev/null 2>&1 || fail "openssl"
TLS_CERT=$tmp/nginx/tls.crt
TLS_KEY=$tmp/nginx/tls.key
STATIC_ROOT=$VAR_DIR/staticfiles
LISTEN=127.0.0.1
render_template deploy/nginx/minzheng.conf "$tmp/nginx/minzheng.conf" || fail "render nginx site"
cat >"$tmp/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log $tmp/nginx/logs/access.log;
    client_body_temp_path $tmp/nginx/tmp/body;
    proxy_temp_path $tmp/nginx/tmp/proxy;
    fastcgi_temp_path $tmp/nginx/tmp/fastcgi;
    uwsgi_temp_path $tmp/nginx/tmp/uwsgi;
    scgi_temp_path $tmp/nginx/tmp/scgi;
    include $tmp/nginx/minzheng.conf;
}
NGINX
"$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -t -q || fail "nginx -t"
"$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" || fail "nginx did not start"

BASE=https://127.0.0.1:$HTTPS_PORT
CURL=(curl -sk --max-time 20)
for _ in $(seq 1 100); do
    [[ $("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/healthz") == 200 ]] && break
    sleep 0.2
done

say "冒烟测试 smoke test through nginx"
check() {
    local what=$1
    shift
    if "$@"; then say "  ✓ $what"; else fail "$what"; fi
}
check "/healthz 经 nginx 返回 200" [ "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ]
check "HTTP 跳转到 HTTPS" bash -c "curl -s -o /dev/null -w '%{http_code} %{redirect_url}' http://127.0.0.1:$HTTP_PORT/accounts/login/ | grep -q '^301 https://127.0.0.1:$HTTPS_PORT/accounts/login/'"
headers=$("${CURL[@]}" -D - -o /dev/null "$BASE/accounts/login/")
check "登录页带 HSTS" grep -qi '^strict-transport-security: max-age=' <<<"$headers"
check "登录页带 CSP" grep -qi "^content-security-policy: .*default-src 'self'" <<<"$headers"
check "静态文件由 nginx 提供" [ "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/static/js/minzheng.js")" = 200 ]
check "静态文件请求未到达应用" bash -c "! grep -q 'GET /static/' '$tmp/minzheng-web.log'"
check "上传文件不由 nginx 直接提供" [ "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/media/")" != 200 ]
jar=$tmp/cookies
"${CURL[@]}" -c "$jar" -b "$jar" -o "$tmp/login.html" "$BASE/accounts/login/"
token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$tmp/login.html" | head -1 | sed 's/.*value="//; s/"$//')
check "登录页有 CSRF 令牌" [ -n "$token" ]
code=$("${CURL[@]}" -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' -e "$BASE/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=clerk" \
    --data-urlencode "password=Minzheng@2026" "$BASE/accounts/login/")
check "经办员登录后跳转（$code）" grep -q '^302 ' <<<"$code"
"${CURL[@]}" -c "$jar" -b "$jar" -L -o "$tmp/home.html" "$BASE/"
check "经办员看到自己的首页" grep -q '张丽娟' "$tmp/home.html"
"${CURL[@]}" -b "$jar" -o "$tmp/households.html" "$BASE/registry/households/"
check "行级安全生效时经办员仍能看到本乡镇的家庭户" grep -q '酿溪镇' "$tmp/households.html"
rls=$(psql -h 127.0.0.1 -p "$PG_PORT" -U "$DB_WEB_ROLE" -d "$DB_NAME" -qAtc \
    "SELECT set_config('minzheng.area_prefix', '430522104', false); SELECT count(*) FROM registry_household WHERE area_code LIKE '430522100%'" | tail -1)
check "行级安全：网页服务角色在严塘镇的会话中读不到酿溪镇的家庭户（$rls 户）" [ "$rls" = 0 ]

web_master=${pids[0]}
victim=$(pgrep -P "$web_master" | head -1)
check "gunicorn 有工作进程" [ -n "$victim" ]
kill -KILL "$victim"
failures=0
for _ in $(seq 1 40); do
    [[ $("${CURL[@]}" -b "$jar" -o /dev/null -w '%{http_code}' "$BASE/") == 200 ]] || failures=$((failures + 1))
done
check "杀掉一个 web 工作进程后 40 次请求全部成功（失败 $failures 次）" [ "$failures" = 0 ]
check "被杀的工作进程已被替换" bash -c "[ \$(pgrep -P $web_master | wc -l) -ge 2 ]"
check "后台任务进程在运行" kill -0 "${pids[1]}"
check "定时任务调度在运行" kill -0 "${pids[2]}"
check "日志中没有异常堆栈" bash -c "! grep -l Traceback '$tmp'/minzheng-*.log"

if [[ -n ${MINZHENG_PRODUCTION_THEN:-} ]]; then
    export BASE PG_PORT PG_DATADIR DB_NAME DB_ROLE WEB_MASTER_PID=${pids[0]}
    say "运行 running: $MINZHENG_PRODUCTION_THEN"
    bash -c "$MINZHENG_PRODUCTION_THEN" || fail "$MINZHENG_PRODUCTION_THEN"
    say "通过 passed"
    exit 0
fi

say "备份与恢复演练 backup and restore drill"
"$PY" manage.py verify_audit --checkpoint >/dev/null || fail "verify_audit --checkpoint"
bash scripts/backup.sh || fail "backup"
bash scripts/restore-drill || fail "restore drill"

say "只读副本演练 read-replica drill"
"$PY" scripts/replica_drill.py "$BACKUP_DIR" || fail "replica drill"

say "通过 passed"
