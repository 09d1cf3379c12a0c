"""Throwaway PostgreSQL clusters on loopback for the production drills (restore drill, replica drill).

A cluster lives in a temporary directory on a port of its own and is owned by the `postgres` system user when
the drill runs as root (PostgreSQL refuses to run as root). Nothing here touches the machine's own cluster.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bindir() -> Path:
    configured = os.environ.get("MINZHENG_PG_BINDIR")
    if configured:
        return Path(configured)
    found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
    if found and (Path(found) / "initdb").exists():
        return Path(found)
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    raise RuntimeError("找不到 PostgreSQL 服务端程序 (initdb)；设置 MINZHENG_PG_BINDIR")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One cluster: `Cluster.new()` runs initdb; `Cluster.base_backup_of(primary)` makes a streaming standby."""

    def __init__(self, datadir: Path, port: int):
        self.datadir = datadir
        self.port = port
        self.bindir = _bindir()
        self.as_postgres = os.geteuid() == 0

    # --- running commands as the cluster's owner -------------------------------------------------------------
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check)

    @staticmethod
    def _workdir() -> Path:
        path = Path(tempfile.mkdtemp(prefix="minzheng-pg-"))
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")
        path.chmod(0o700)
        return path

    @classmethod
    def new(cls, *, replication: bool = False) -> "Cluster":
        cluster = cls(cls._workdir() / "data", free_port())
        cluster._run(
            str(cluster.bindir / "initdb"),
            "-D",
            str(cluster.datadir),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        settings = [
            f"port = {cluster.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{cluster.datadir.parent}'",
            "fsync = off",
            "shared_buffers = 64MB",
        ]
        if replication:
            settings += ["wal_level = replica", "max_wal_senders = 4", "hot_standby = on"]
        cluster._append_conf(settings)
        if replication:
            hba = cluster.datadir / "pg_hba.conf"
            cluster._run("sh", "-c", f"echo 'host replication all 127.0.0.1/32 trust' >> {hba}")
        return cluster

    @classmethod
    def base_backup_of(cls, primary: "Cluster") -> "Cluster":
        """A hot standby streaming from `primary` (pg_basebackup -R writes standby.signal and the connection)."""
        standby = cls(cls._workdir() / "data", free_port())
        standby._run(
            str(standby.bindir / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(standby.datadir),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
        standby._append_conf(
            [
                f"port = {standby.port}",
                f"unix_socket_directories = '{standby.datadir.parent}'",
            ]
        )
        return standby

    def _append_conf(self, lines: list[str]) -> None:
        conf = self.datadir / "postgresql.auto.conf"
        text = "\n".join(lines) + "\n"
        self._run("sh", "-c", f"cat >> {conf} <<'CONF'\n{text}CONF")

    # --- lifecycle ---------------------------------------------------------------------------------------------
    def start(self) -> "Cluster":
        log = self.datadir.parent / "server.log"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(log), "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop", check=False)

    def promote(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-w", "promote")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.datadir.parent, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def wait_until(self, sql: str, *, database: str = "postgres", timeout: float = 30.0) -> None:
        """Poll until `sql` answers true (e.g. the standby has replayed a write): the drills never sleep blindly."""
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            with psycopg.connect(self.url(database), autocommit=True) as conn:
                if conn.execute(sql).fetchone()[0]:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.port}: {sql} 在 {timeout:.0f} 秒内未成立")
            time.sleep(0.2)


def main(argv: list[str]) -> int:
    """CLI for shell drills: `pgcluster.py new` prints "PORT DATADIR" of a started cluster;
    `pgcluster.py restart|stop|remove DATADIR PORT`."""
    command = argv[0] if argv else ""
    if command == "new":
        cluster = Cluster.new().start()
        print(cluster.port, cluster.datadir)
        return 0
    if command in ("restart", "stop", "remove") and len(argv) == 3:
        cluster = Cluster(Path(argv[1]), int(argv[2]))
        if command == "restart":
            cluster.stop()
            cluster.start()
        else:
            getattr(cluster, command)()
        return 0
    print("usage: pgcluster.py new | restart|stop|remove DATADIR PORT")
    return 2


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
