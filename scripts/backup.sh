#!/usr/bin/env bash
# One backup (database + uploaded files + manifest) into $MINZHENG_BACKUP_DIR; run nightly by minzheng-backup.timer.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/backup.py "$@"
