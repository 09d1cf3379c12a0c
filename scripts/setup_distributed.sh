#!/usr/bin/env bash
# The optional distributed engine (requirements-distributed.txt: PySpark, pinned) into .venv, and Java 17 for it
# (apt-get when run as root, else the command to run is printed). Idempotent: a second run takes a second or two.
# Run by `make setup-distributed` and by `make test-production` (scripts/test_production.sh); `make setup` never.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v java >/dev/null 2>&1; then
    if [[ $(id -u) == 0 ]]; then
        apt-get install -y -q openjdk-17-jre-headless >/dev/null
    else
        echo "需要 Java 17：sudo apt-get install openjdk-17-jre-headless" >&2
        exit 1
    fi
fi
stamp=.venv/.distributed-requirements
if [[ ! -f $stamp ]] || ! cmp -s requirements-distributed.txt "$stamp"; then
    .venv/bin/pip install -q -r requirements-distributed.txt
    cp requirements-distributed.txt "$stamp"
fi
