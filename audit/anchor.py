"""Anchoring the audit chain outside the database (等保三级: 审计记录防篡改).

The hash chain alone shows an edit in the middle, but whoever controls the database could rewrite
the log and recompute every hash, cut the newest rows off, or TRUNCATE the table. Three walls:

- **A keyed chain**: entries are linked with HMAC-SHA256 under a key that is not in the database
  (MINZHENG_AUDIT_KEY, or derived from SECRET_KEY when unset — both live in the server's
  environment), so a rewritten chain cannot be re-signed from inside the database.
- **Signed checkpoints**: now and then (daily through the scheduler, and on `verify_audit
  --checkpoint`) the count and the last entry's id and hash are appended to a file the
  application owns (MINZHENG_AUDIT_CHECKPOINT_FILE, mode 0600), each line signed with the same key.
  A copy can be shipped to a second system. `verify_audit` checks the database against every line:
  rows cut off after a checkpoint, or a chain rebuilt from the start, no longer match it.
- **TRUNCATE refused** by a statement trigger on PostgreSQL (row triggers already refuse UPDATE and
  DELETE; core.append_only).
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def chain_key() -> bytes:
    configured = settings.AUDIT_CHAIN_KEY
    if configured:
        return configured.encode()
    return hashlib.sha256(b"minzheng-audit-chain:" + settings.SECRET_KEY.encode()).digest()


def _sign(body: dict) -> str:
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(chain_key(), canonical, hashlib.sha256).hexdigest()


def checkpoint_file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


@dataclass(frozen=True)
class Checkpoint:
    at: str
    count: int
    last_id: int
    last_hash: str


def write_checkpoint() -> Checkpoint:
    """Append the chain's current end (count, last id and hash) to the checkpoint file, signed."""
    from audit.models import AuditEntry

    last = AuditEntry.unscoped.order_by("-id").values("id", "hash").first()
    count = AuditEntry.unscoped.count()
    point = Checkpoint(
        at=timezone.now().isoformat(timespec="seconds"),
        count=count,
        last_id=last["id"] if last else 0,
        last_hash=last["hash"] if last else "",
    )
    body = point.__dict__.copy()
    line = json.dumps({**body, "signature": _sign(body)}, ensure_ascii=False, sort_keys=True)
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return point


def read_checkpoints() -> tuple[list[Checkpoint], list[str]]:
    """(the checkpoints whose signature holds, a Chinese problem for each line that does not)."""
    path = checkpoint_file()
    if not path.exists():
        return [], []
    points, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            data = json.loads(line)
            signature = data.pop("signature")
            point = Checkpoint(**data)
        except (ValueError, KeyError, TypeError):
            problems.append(f"检查点文件第 {number} 行无法读取")
            continue
        if not hmac.compare_digest(signature, _sign(point.__dict__)):
            problems.append(f"检查点文件第 {number} 行签名不符：检查点被改动，或密钥已更换")
            continue
        points.append(point)
    return points, problems


def verify_and_checkpoint(day=None) -> dict:
    """Periodic work (daily): verify the chain against the earlier checkpoints, then record a new one.
    A broken chain records no checkpoint (it would bless the damage) and fails loudly."""
    from audit.services import verify_chain

    report = verify_chain()
    if not report.ok:
        raise RuntimeError(f"操作日志校验失败：第 {report.broken_at} 号记录处：{report.reason}")
    point = write_checkpoint()
    return {"已校验记录": report.checked, "检查点至": point.last_id}
