"""The restore drill (scripts/restore-drill): restore the newest backup into a fresh PostgreSQL cluster on loopback,
then prove it is whole — every table's row count and the ledger's checksum equal the manifest written at backup
time, the uploaded files are all there, and `manage.py verify_audit` passes on the restored database against the
audit checkpoints that existed at the recovery point. Prints the recovery point and how long the restore took.

    scripts/restore-drill [BACKUP_DIR_OR_ONE_BACKUP]
"""

import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backup import ledger_checksum, libpq_url, media_summary, table_counts
from pgcluster import Cluster

ROOT = Path(__file__).resolve().parent.parent


def newest_backup(path: Path) -> Path:
    if (path / "manifest.json").exists():
        return path
    backups = sorted(p for p in path.glob("minzheng-*") if (p / "manifest.json").exists())
    if not backups:
        raise SystemExit(f"[restore-drill] 错误：{path} 下没有备份（先运行 scripts/backup.sh）")
    return backups[-1]


def checkpoints_up_to(count: int, source: Path, target: Path) -> int:
    """The checkpoints written before the recovery point: a restore to last night legitimately lacks today's."""
    kept = []
    if source.exists():
        for line in source.read_text().splitlines():
            try:
                if json.loads(line).get("count", 0) <= count:
                    kept.append(line)
            except json.JSONDecodeError:
                kept.append(line)  # verify_audit reports a damaged line itself
    target.write_text("".join(f"{line}\n" for line in kept))
    return len(kept)


def drill(backup: Path) -> list[str]:
    manifest = json.loads((backup / "manifest.json").read_text())
    problems: list[str] = []
    started = time.monotonic()
    cluster = Cluster.new().start()
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE minzheng_restored")
        url = cluster.url("minzheng_restored")
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "-d",
                libpq_url(url),
                str(backup / "db.dump"),
            ],
            check=True,
        )
        media_dir = Path(tempfile.mkdtemp(prefix="minzheng-media-"))
        with tarfile.open(backup / "media.tar.gz") as tar:
            tar.extractall(media_dir, filter="data")
        restored_seconds = time.monotonic() - started

        with psycopg.connect(libpq_url(url)) as conn:
            counts = table_counts(conn)
            sums = ledger_checksum(conn)
        for table, expected in manifest["tables"].items():
            if counts.get(table) != expected:
                problems.append(f"表 {table}：备份时 {expected} 行，恢复后 {counts.get(table)} 行")
        for table, expected in manifest["ledger_checksum"].items():
            if sums.get(table) != expected:
                problems.append(f"资金台账 {table} 校验和不一致")
        media = media_summary(media_dir / "media")
        if media != manifest["media"]:
            problems.append(f"上传文件：备份时 {manifest['media']}，恢复后 {media}")

        var_dir = Path(os.environ.get("MINZHENG_VAR_DIR", ROOT / "var"))
        source_checkpoints = Path(
            os.environ.get("MINZHENG_AUDIT_CHECKPOINT_FILE", var_dir / "audit" / "checkpoints.jsonl")
        )
        drill_checkpoints = media_dir / "checkpoints.jsonl"
        kept = checkpoints_up_to(manifest["audit_entries"], source_checkpoints, drill_checkpoints)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "MINZHENG_AUDIT_CHECKPOINT_FILE": str(drill_checkpoints),
            "MINZHENG_MEDIA_ROOT": str(media_dir / "media"),
        }
        audit = subprocess.run(
            [sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        print(f"[restore-drill] verify_audit（对照 {kept} 个检查点）：{(audit.stdout + audit.stderr).strip()}")
        if audit.returncode != 0:
            problems.append("操作日志校验未通过")
        total = time.monotonic() - started
        print(f"[restore-drill] 备份 {backup.name}：恢复点 {manifest['recovery_point']}")
        print(
            f"[restore-drill] {len(counts)} 张表行数一致：{'是' if not any('行' in p for p in problems) else '否'}；"
            f"资金台账校验和一致：{'是' if not any('校验和' in p for p in problems) else '否'}；"
            f"上传文件 {media['files']} 个"
        )
        print(f"BENCH restore_drill_seconds {restored_seconds:.1f} s (恢复用时) total_with_checks {total:.1f} s")
    finally:
        cluster.remove()
    return problems


def main() -> int:
    var_dir = Path(os.environ.get("MINZHENG_VAR_DIR", ROOT / "var"))
    where = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(os.environ.get("MINZHENG_BACKUP_DIR", var_dir / "backups"))
    problems = drill(newest_backup(where))
    for problem in problems:
        print(f"[restore-drill] 不一致：{problem}", file=sys.stderr)
    print("[restore-drill] 演练通过：备份可以完整恢复" if not problems else "[restore-drill] 演练失败")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
