# 民政一体化服务平台 — two commands: `make run` and `make test` (README.md).
# Every target sets up what it needs first; `make setup` alone is idempotent and fast when nothing changed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Address for `make run`, e.g. `make run ADDR=0.0.0.0:8000`.
ADDR ?= 127.0.0.1:8000
# Extra pytest arguments for `make test`, e.g. `make test PYTEST_ARGS="-k login"`.
PYTEST_ARGS ?=

.PHONY: help setup setup-distributed run test test-production install-production lint format

help:
	@echo "make run    安装依赖、迁移、载入区划和演示数据，启动 http://$(ADDR) 与后台任务进程"
	@echo "            set up, migrate, load areas and demo data, serve http://$(ADDR) + the task worker"
	@echo "make test   代码检查，然后在 SQLite 和 PostgreSQL 上各跑一遍全部测试（含浏览器测试）"
	@echo "            lint, then the whole suite on SQLite and on PostgreSQL (browser tests included)"
	@echo "make install-production SERVER_NAME=… TLS_CERT=… TLS_KEY=…  在 Debian 12 服务器上生产安装（docs/production.md）"
	@echo "make test-production  只跑生产演练：nginx 冒烟测试、备份恢复演练、只读副本与提升演练"
	@echo "make setup-distributed  另装 PySpark（requirements-distributed.txt，分布式比对引擎，约 455 MB）"
	@echo "make setup  只安装依赖（.venv、前端文件、系统软件包、区划数据） install dependencies only"
	@echo "make lint   ruff check + ruff format --check"
	@echo "make format ruff format + ruff check --fix"

setup:
	@bash scripts/setup.sh

# Optional: PySpark for the sweep on Apache Spark (docs/production.md). make test-production installs it itself.
setup-distributed: setup
	@bash scripts/setup_distributed.sh

run: setup
	@ADDR="$(ADDR)" bash scripts/run.sh

test: setup
	@PYTEST_ARGS="$(PYTEST_ARGS)" bash scripts/test.sh

test-production: setup
	@bash scripts/test_production.sh

install-production:
	@SERVER_NAME="$(SERVER_NAME)" TLS_CERT="$(TLS_CERT)" TLS_KEY="$(TLS_KEY)" bash scripts/install-production.sh

lint: setup
	@bash scripts/lint.sh

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .
