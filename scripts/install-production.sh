#!/usr/bin/env bash
# make install-production: install the platform on a fresh Debian 12 server (docs/production.md).
#
#   sudo make install-production SERVER_NAME=mz.xinshao.gov TLS_CERT=/etc/ssl/mz.crt TLS_KEY=/etc/ssl/mz.key
#
# Sets up PostgreSQL and Redis from Debian, the application in this checkout under gunicorn with several
# workers behind nginx (TLS from the operator's certificate), the task worker, the scheduler and the nightly
# backup as systemd units that restart on failure and log to the journal; static files served by nginx.
# Idempotent: a second run (after `git pull`) installs new requirements, migrates and restarts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# shellcheck source=scripts/production_lib.sh
source scripts/production_lib.sh

say() { printf '[install] %s\n' "$*"; }
die() {
    printf '[install] 错误 ERROR: %s\n' "$*" >&2
    exit 1
}

SERVER_NAME=${SERVER_NAME:-}
TLS_CERT=${TLS_CERT:-}
TLS_KEY=${TLS_KEY:-}
APP_USER=${MINZHENG_USER:-minzheng}
DB_USER=$APP_USER
DB_WEB_USER=${APP_USER}_web
DB_NAME=${DB_NAME:-minzheng}
WORKERS=${WORKERS:-$(nproc)} # processes of 4 threads each (deploy/gunicorn.conf.py)
APP_BIND=${APP_BIND:-127.0.0.1:8001}
LISTEN=${LISTEN:-0.0.0.0}
HTTP_PORT=${HTTP_PORT:-80}
HTTPS_PORT=${HTTPS_PORT:-443}
ETC_DIR=${ETC_DIR:-/etc/minzheng}
ENV_FILE=$ETC_DIR/minzheng.env
VAR_DIR=${VAR_DIR:-/var/lib/minzheng}
BACKUP_DIR=${BACKUP_DIR:-/var/backups/minzheng}
AUDIT_DIR=${AUDIT_DIR:-/var/lib/minzheng-audit}
STATIC_ROOT=$VAR_DIR/staticfiles
HTTPS_PORT_SUFFIX=$([[ $HTTPS_PORT == 443 ]] && echo "" || echo ":$HTTPS_PORT")

[[ $(id -u) -eq 0 ]] || die "请以 root 运行 run as root (sudo make install-production ...)"
[[ -n $SERVER_NAME ]] || die "请指定 SERVER_NAME（服务器域名或地址）"
[[ -r $TLS_CERT && -r $TLS_KEY ]] || die "请指定可读的证书 TLS_CERT 和私钥 TLS_KEY（由运维提供的证书路径）"
grep -q '^VERSION_ID="12"' /etc/os-release 2>/dev/null || say "警告：本脚本为 Debian 12 编写 (written for Debian 12)"

say "1/8 安装系统软件包 PostgreSQL、Redis、nginx、Python"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql redis-server nginx-light python3 python3-venv npm \
    ca-certificates >/dev/null

say "2/8 系统用户 $APP_USER 与目录"
id "$APP_USER" >/dev/null 2>&1 || useradd --system --home-dir "$VAR_DIR" --shell /usr/sbin/nologin "$APP_USER"
install -d -o "$APP_USER" -g "$APP_USER" -m 0750 "$VAR_DIR" "$VAR_DIR/media" "$BACKUP_DIR"
# The audit checkpoints (ADR 0016) go where the database owner cannot rewrite them: owned by root, appendable
# by the application only through the file it is given.
install -d -o root -g "$APP_USER" -m 0770 "$AUDIT_DIR"
install -d -o root -g "$APP_USER" -m 0750 "$ETC_DIR"

say "3/8 数据库 PostgreSQL：属主角色 $DB_USER、网页服务角色 $DB_WEB_USER（行级安全对其生效）与数据库 $DB_NAME"
for role in "$DB_USER" "$DB_WEB_USER"; do
    runuser -u postgres -- psql -qAtc "SELECT 1 FROM pg_roles WHERE rolname='$role'" | grep -q 1 ||
        runuser -u postgres -- createuser --no-superuser --no-createrole --no-createdb "$role"
done
runuser -u postgres -- psql -qAtc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1 ||
    runuser -u postgres -- createdb -O "$DB_USER" "$DB_NAME"
# The web role reads and writes every table the owner creates, now and in later migrations; it owns none.
runuser -u postgres -- psql -q -d "$DB_NAME" -c "
    GRANT USAGE ON SCHEMA public TO $DB_WEB_USER;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO $DB_WEB_USER;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO $DB_WEB_USER;
    ALTER DEFAULT PRIVILEGES FOR ROLE $DB_USER IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO $DB_WEB_USER;
    ALTER DEFAULT PRIVILEGES FOR ROLE $DB_USER IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO $DB_WEB_USER;"
systemctl enable --now postgresql redis-server >/dev/null

say "4/8 环境文件 $ENV_FILE（首次安装时生成密钥）"
if [[ ! -f $ENV_FILE ]]; then
    SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')
    AUDIT_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
    render_template deploy/minzheng.env.example "$ENV_FILE"
    chown root:"$APP_USER" "$ENV_FILE"
    chmod 0640 "$ENV_FILE"
    say "已生成密钥；请把 MINZHENG_AUDIT_KEY 另行保存（审计链密钥不在数据库中）"
fi

say "5/8 应用依赖（.venv、前端文件、区划数据）"
MINZHENG_SETUP_PROFILE=production MINZHENG_VAR_DIR="$VAR_DIR" bash scripts/setup.sh
chown -R "$APP_USER:$APP_USER" "$VAR_DIR"

say "6/8 迁移数据库、载入区划、收集静态文件、部署检查"
as_app() { runuser -u "$APP_USER" -- env $(grep -v '^#' "$ENV_FILE" | xargs) "$@"; }
as_app .venv/bin/python manage.py migrate --noinput
as_app .venv/bin/python manage.py load_areas
as_app .venv/bin/python manage.py collectstatic --noinput --verbosity 0
as_app .venv/bin/python manage.py check --deploy --fail-level WARNING

say "7/8 systemd 服务（失败自动重启，日志写入 journal）"
for unit in deploy/systemd/*; do
    render_template "$unit" "/etc/systemd/system/$(basename "$unit")"
done
systemctl daemon-reload
systemctl enable --now minzheng-web minzheng-worker minzheng-scheduler minzheng-backup.timer >/dev/null
systemctl restart minzheng-web minzheng-worker minzheng-scheduler

say "8/8 nginx（TLS，静态文件直接由 nginx 提供）"
render_template deploy/nginx/minzheng.conf /etc/nginx/sites-available/minzheng.conf
ln -sf /etc/nginx/sites-available/minzheng.conf /etc/nginx/sites-enabled/minzheng.conf
rm -f /etc/nginx/sites-enabled/default
nginx -t -q
systemctl enable --now nginx >/dev/null
systemctl reload nginx

say "完成：https://$SERVER_NAME$HTTPS_PORT_SUFFIX/ ；创建第一个管理员：sudo -u $APP_USER env \$(cat $ENV_FILE | xargs) .venv/bin/python manage.py createsuperuser"
say "查看日志 journalctl -u minzheng-web -u minzheng-worker -u minzheng-scheduler -f"
