#!/usr/bin/env bash
# make run: the dev profile on SQLite (var/minzheng.sqlite3 unless DATABASE_URL says otherwise):
# migrate, load the area tree and the demo data, then serve with runserver while the background
# task worker and the scheduler (定时任务) run beside it. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."

export MINZHENG_DEBUG=1
ADDR=${ADDR:-127.0.0.1:8000}
PY=.venv/bin/python

say() { printf '[run] %s\n' "$*"; }

say "数据库迁移 manage.py migrate"
$PY manage.py migrate --noinput
say "载入行政区划 manage.py load_areas"
$PY manage.py load_areas
say "载入演示数据 manage.py load_demo"
$PY manage.py load_demo
if ! $PY manage.py shell -c "from registry.models import Household; import sys; sys.exit(0 if Household.unscoped.exists() else 1)" 2>/dev/null; then
    say "生成演示居民 manage.py seed_demo（3000户）"
    $PY manage.py seed_demo --county 430522 --households 3000 --seed 1
fi
say "演示县救助标准 manage.py load_demo_policy"
$PY manage.py load_demo_policy
say "演示保障对象 manage.py seed_demo_recipients"
$PY manage.py seed_demo_recipients
say "演示临时救助 manage.py seed_demo_temporary_aid"
$PY manage.py seed_demo_temporary_aid
if ! $PY manage.py shell -c "from verification.models import Batch; import sys; sys.exit(0 if Batch.unscoped.exists() else 1)" 2>/dev/null; then
    say "演示部门数据并比对 manage.py seed_verification_demo"
    $PY manage.py seed_verification_demo
fi
say "稽查演示数据 manage.py seed_supervision_demo"
$PY manage.py seed_supervision_demo

say "演示网格数据 manage.py seed_grid_demo"
$PY manage.py seed_grid_demo
say "演示社会组织与村务公开 manage.py seed_society_demo"
$PY manage.py seed_society_demo

say "演示群众网上办事数据 manage.py seed_portal_demo"
$PY manage.py seed_portal_demo
say "演示儿童福利数据 manage.py seed_children_demo"
$PY manage.py seed_children_demo
say "演示医疗救助数据 manage.py seed_medical_demo"
$PY manage.py seed_medical_demo

say "演示救灾和专项行动数据 manage.py seed_relief_demo"
$PY manage.py seed_relief_demo
say "演示殡葬数据 manage.py seed_funerals_demo"
$PY manage.py seed_funerals_demo
say "演示救助管理站数据 manage.py seed_rescue_demo"
$PY manage.py seed_rescue_demo
say "演示婚姻登记 manage.py seed_marriage_demo"
$PY manage.py seed_marriage_demo

say "演示接口客户端 manage.py seed_partners_demo"
$PY manage.py seed_partners_demo
say "演示养老服务数据 manage.py seed_eldercare_demo"
$PY manage.py seed_eldercare_demo
say "政策找人 manage.py find_eligible_people"
$PY manage.py find_eligible_people

say "启动后台任务进程 starting the task worker (manage.py db_worker)"
$PY manage.py db_worker &
worker=$!
say "启动定时任务调度 starting the scheduler (manage.py run_scheduler)"
$PY manage.py run_scheduler &
scheduler=$!
stop_worker() {
    if kill -0 "$scheduler" 2>/dev/null; then
        say "停止定时任务调度 stopping the scheduler"
        kill -TERM "$scheduler" 2>/dev/null || true
        wait "$scheduler" 2>/dev/null || true
    fi
    if kill -0 "$worker" 2>/dev/null; then
        say "停止后台任务进程 stopping the task worker"
        # In the dev profile db_worker runs under Django's autoreloader: stop its child too.
        pkill -TERM -P "$worker" 2>/dev/null || true
        kill -TERM "$worker" 2>/dev/null || true
        wait "$worker" 2>/dev/null || true
    fi
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "打开 open http://$ADDR/ （Ctrl-C 退出 to stop）"
$PY manage.py runserver "$ADDR"
