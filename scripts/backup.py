"""One backup of the platform (scripts/backup.sh, the nightly minzheng-backup.timer): the database as a
pg_dump custom archive and the uploaded files as a tar, with a manifest that the restore drill checks against.

The dump, the row counts and the ledger checksum are all read from ONE exported snapshot, so the manifest says
exactly what the archive holds; its `recovery_point` is the moment of that snapshot. Old backups beyond
MINZHENG_BACKUP_KEEP (default 14) are removed.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

# The money: enrolments and their events, the fund ledger and the roll lines (docs/production.md).
LEDGER_TABLES = ("ledger_enrolment", "ledger_enrolmentevent", "payments_fundentry", "payments_rollline")


def libpq_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1] if url.startswith("postgres://") else url


def table_counts(conn) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    ]
    return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def ledger_checksum(conn) -> dict[str, str]:
    """md5 over every row of each ledger table in primary-key order: equal on both sides or the restore lost money."""
    sums = {}
    for table in LEDGER_TABLES:
        exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{table}"]).fetchone()[0]
        if exists:
            sums[table] = conn.execute(
                f"SELECT coalesce(md5(string_agg(t::text, chr(10) ORDER BY t.id)), '') FROM \"{table}\" t"
            ).fetchone()[0]
    return sums


def media_summary(root: Path) -> dict:
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def backup(database_url: str, media_root: Path, backup_dir: Path, keep: int) -> Path:
    stamp = datetime.now().astimezone().strftime("%Y%m%dT%H%M%S")
    target = backup_dir / f"minzheng-{stamp}"
    target.mkdir(parents=True)
    url = libpq_url(database_url)
    with psycopg.connect(url) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        recovery_point = conn.execute("SELECT now()").fetchone()[0]
        counts = table_counts(conn)
        sums = ledger_checksum(conn)
        audit_count = counts.get("audit_auditentry", 0)
        # pg_dump reads the same snapshot while this transaction stays open.
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                "--file",
                str(target / "db.dump"),
                url,
            ],
            check=True,
        )
        conn.rollback()
    with tarfile.open(target / "media.tar.gz", "w:gz") as tar:
        if media_root.exists():
            tar.add(media_root, arcname="media")
    manifest = {
        "recovery_point": recovery_point.astimezone(ZoneInfo(os.environ.get("TZ_DISPLAY", "Asia/Shanghai"))).isoformat(
            timespec="seconds"
        ),
        "tables": counts,
        "ledger_checksum": sums,
        "audit_entries": audit_count,
        "media": media_summary(media_root),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    backups = sorted(p for p in backup_dir.glob("minzheng-*") if p.is_dir())
    for old in backups[:-keep] if keep > 0 else []:
        shutil.rmtree(old, ignore_errors=True)
    return target


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("[backup] 错误：DATABASE_URL 必须是 PostgreSQL 地址（SQLite 开发库直接复制文件即可）", file=sys.stderr)
        return 2
    var_dir = Path(os.environ.get("MINZHENG_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    media_root = Path(os.environ.get("MINZHENG_MEDIA_ROOT", var_dir / "media"))
    backup_dir = Path(os.environ.get("MINZHENG_BACKUP_DIR", var_dir / "backups"))
    keep = int(os.environ.get("MINZHENG_BACKUP_KEEP", "14"))
    target = backup(database_url, media_root, backup_dir, keep)
    manifest = json.loads((target / "manifest.json").read_text())
    size = sum(p.stat().st_size for p in target.iterdir())
    print(
        f"[backup] 备份完成 {target}：恢复点 {manifest['recovery_point']}，{len(manifest['tables'])} 张表，"
        f"上传文件 {manifest['media']['files']} 个，共 {size / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
