"""The read-replica drill (scripts/test_production.sh, docs/production.md).

1. A primary and a streaming hot standby, both throwaway clusters on loopback; the platform migrated and given
   the demo county on the primary; the standby catches up.
2. The platform runs with MINZHENG_REPLICA_URL pointing at the standby: the leader's cockpit, a registry search
   and an export read from the replica; a clerk's write goes to the primary, and the next reads of that clerk stay
   on the primary (read-after-write); not one INSERT, UPDATE or DELETE is sent to the replica, and the replica
   itself refuses a write (it is a real standby).
   `scripts/replica_drill.py BACKUP_DIR` starts the primary from the newest backup there (the production drill
   does so) instead of building the demo county from scratch.
3. Promotion: the primary stops, the standby is promoted, and the platform works on it — migrations complete,
   the audit chain verifies, a clerk signs in and writes.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backup import libpq_url
from pgcluster import Cluster

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def say(text: str) -> None:
    print(f"[replica-drill] {text}", flush=True)


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"[replica-drill] manage.py {' '.join(args)} 失败：\n{done.stdout}\n{done.stderr}")
    return done.stdout


def caught_up(primary: Cluster, standby: Cluster) -> float:
    lsn = (
        psycopg.connect(libpq_url(primary.url()), autocommit=True).execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    )
    started = time.monotonic()
    standby.wait_until(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")
    return time.monotonic() - started


PROBE = r"""
import django, os, sys
django.setup()
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
from core.replica import reads_from_replica
from areas.jurisdiction import system_scope
from registry.models import Household

WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE")
failures = []
def expect(ok, what):
    print(("  ✓ " if ok else "  ✗ ") + what, flush=True)
    if not ok:
        failures.append(what)

leader, clerk = User.objects.get(username="leader"), User.objects.get(username="clerk")
with CaptureQueriesContext(connections["replica"]) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(leader)
    primary_before = len(on_primary)
    replica_before = len(on_replica)
    page = client.get("/cockpit/")
    expect(page.status_code == 200, f"局领导驾驶舱 200（{page.status_code}）")
    expect(len(on_replica) > replica_before, f"驾驶舱读自只读副本（副本 {len(on_replica) - replica_before} 条查询）")

    clerk_client = Client(HTTP_HOST="127.0.0.1")
    clerk_client.force_login(clerk)
    before = len(on_replica)
    search = clerk_client.get("/registry/households/", {"q": "酿溪"})
    expect(search.status_code == 200, "经办员检索家庭户 200")
    expect(len(on_replica) > before, f"检索读自只读副本（{len(on_replica) - before} 条查询）")
    before = len(on_replica)
    export = clerk_client.get("/registry/households/", {"export": "xlsx"})
    expect(export.status_code in (200, 302), f"导出 Excel（{export.status_code}）")
    expect(len(on_replica) > before, "导出读自只读副本")

    with system_scope():
        household = Household.objects.filter(area_code__startswith="430522100").order_by("id").first()
    before_primary = len(on_primary)
    with reads_from_replica():
        with system_scope():
            Household.objects.filter(pk=household.pk).update(phone="13800001111")
    expect(any(q["sql"].lstrip().upper().startswith("UPDATE") for q in on_primary.captured_queries[before_primary:]),
           "在副本读取上下文中的写入仍然写到主库")
    post = clerk_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    expect(post.cookies.get("mz_primary") is not None, "写操作之后该用户的读取固定到主库一段时间")
    before = len(on_replica)
    again = clerk_client.get("/registry/households/", {"q": "酿溪"})
    expect(again.status_code == 200 and len(on_replica) == before, "写后读：紧接着的检索读主库")

    sent_to_replica = [q["sql"] for q in on_replica.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
    expect(not sent_to_replica, f"没有任何写语句发往副本（{len(sent_to_replica)} 条）")

try:
    with connections["replica"].cursor() as cursor:
        cursor.execute("CREATE TABLE replica_drill_probe (id int)")
    expect(False, "副本拒绝写入")
except Exception as exc:  # psycopg's ReadOnlySqlTransaction, wrapped by Django
    expect("read-only" in str(exc), "副本是真正的热备库：拒绝写入（read-only transaction）")
sys.exit(1 if failures else 0)
"""

AFTER_PROMOTION = r"""
import django, sys
django.setup()
from django.test import Client
from accounts.models import User
from areas.jurisdiction import system_scope
from registry.models import Household
clerk = User.objects.get(username="clerk")
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(clerk)
home = client.get("/")
with system_scope():
    household = Household.objects.filter(area_code__startswith="430522100").order_by("id").first()
    Household.objects.filter(pk=household.pk).update(phone="13800002222")
    written = Household.objects.get(pk=household.pk).phone == "13800002222"
print(("  ✓ " if home.status_code == 200 else "  ✗ ") + f"提升后经办员首页 200（{home.status_code}）")
print(("  ✓ " if written else "  ✗ ") + "提升后的新主库可以写入")
sys.exit(0 if home.status_code == 200 and written else 1)
"""


def main() -> int:
    started = time.monotonic()
    primary = Cluster.new(replication=True).start()
    standby = None
    try:
        with psycopg.connect(libpq_url(primary.url()), autocommit=True) as conn:
            conn.execute("CREATE DATABASE minzheng")
        # The drill talks to the application in-process (Django's test client), not through nginx: plain HTTP.
        base_env = {k: v for k, v in os.environ.items() if k not in ("MINZHENG_REPLICA_URL",)}
        base_env.update(MINZHENG_HTTPS="0", MINZHENG_SECURE_COOKIES="0")
        env = {**base_env, "MINZHENG_DEBUG": "1", "DATABASE_URL": primary.url("minzheng")}
        if len(sys.argv) > 1:
            from restore_drill import newest_backup

            backup = newest_backup(Path(sys.argv[1]))
            say(f"主库 127.0.0.1:{primary.port}：从备份 {backup.name} 恢复")
            subprocess.run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "-d",
                    libpq_url(primary.url("minzheng")),
                    str(backup / "db.dump"),
                ],
                check=True,
            )
        else:
            # A checkpoint file of the drill's own, beside its clusters: never the installation's.
            env["MINZHENG_AUDIT_CHECKPOINT_FILE"] = str(primary.datadir.parent / "checkpoints.jsonl")
            base_env["MINZHENG_AUDIT_CHECKPOINT_FILE"] = env["MINZHENG_AUDIT_CHECKPOINT_FILE"]
            say(f"主库 127.0.0.1:{primary.port}：迁移并载入演示县")
            manage(env, "migrate", "--noinput", "-v", "0")
            manage(env, "load_areas")
            manage(env, "load_demo")
            manage(env, "seed_demo", "--county", "430522", "--households", "100", "--seed", "1")
            manage(env, "verify_audit", "--checkpoint")
        standby = Cluster.base_backup_of(primary).start()
        standby.wait_until("SELECT pg_is_in_recovery()")
        say(f"热备库 127.0.0.1:{standby.port}：流复制，追平用时 {caught_up(primary, standby) * 1000:.0f} ms")

        say("读写分离 routing with MINZHENG_REPLICA_URL")
        probe_env = {
            **env,
            "MINZHENG_REPLICA_URL": standby.url("minzheng"),
            "DJANGO_SETTINGS_MODULE": "minzheng.settings",
        }
        probe = subprocess.run([PY, "-c", PROBE], cwd=ROOT, env=probe_env, text=True)
        if probe.returncode != 0:
            say("读写分离检查未通过")
            return 1

        say("提升演练 promotion: the primary stops, the standby is promoted")
        caught_up(primary, standby)
        primary.stop()
        promoted_at = time.monotonic()
        standby.promote()
        standby.wait_until("SELECT NOT pg_is_in_recovery()")
        say(f"  ✓ 热备库已提升为主库（{(time.monotonic() - promoted_at) * 1000:.0f} ms）")
        promoted_env = {
            **base_env,
            "MINZHENG_DEBUG": "1",
            "DATABASE_URL": standby.url("minzheng"),
            "DJANGO_SETTINGS_MODULE": "minzheng.settings",
        }
        manage(promoted_env, "migrate", "--check")
        say("  ✓ 新主库上迁移完整（migrate --check）")
        print("  " + manage(promoted_env, "verify_audit").strip().splitlines()[0])
        after = subprocess.run([PY, "-c", AFTER_PROMOTION], cwd=ROOT, env=promoted_env, text=True)
        if after.returncode != 0:
            return 1
        say(f"演练通过，用时 {time.monotonic() - started:.1f} 秒")
        return 0
    finally:
        if standby is not None:
            standby.remove()
        primary.remove()


if __name__ == "__main__":
    sys.exit(main())
