"""Strict parsers for configuration read from the environment.

Every setting comes from an environment variable (README lists them). A bad value stops the
process with a message naming the variable, in Chinese first, before anything touches data.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 只能是 1/0/true/false，当前为 {raw!r} ({name} must be a boolean)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 必须是整数，当前为 {raw!r} ({name} must be an integer)") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(
            f"环境变量 {name} 不能小于 {minimum}，当前为 {raw!r} ({name} must be at least {minimum})"
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """Parse a database URL; only sqlite:// and postgres:// are supported."""
    url = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types for garbage input
        raise ImproperlyConfigured(
            f"环境变量 {name} 不是有效的数据库地址：{url!r}。示例：sqlite:///var/minzheng.sqlite3 或 "
            f"postgres://user@127.0.0.1:5432/minzheng ({name} is not a valid database URL: {exc})"
        ) from None
    engine = config.get("ENGINE", "")
    if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        raise ImproperlyConfigured(
            f"环境变量 {name} 只支持 sqlite:// 或 postgres:// 数据库，当前为 {url!r} "
            f"({name}: only SQLite and PostgreSQL are supported)"
        )
    if engine == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured(f"环境变量 {name} 缺少数据库名：{url!r} ({name} lacks a database name)")
    if engine == "django.db.backends.postgresql":
        # Values bound on the server, and a statement run five times on a connection kept prepared:
        # PostgreSQL then skips parsing and planning, half its CPU per clerk request (ADR 0011).
        # Raw SQL must let PostgreSQL infer each parameter's type (CAST where it cannot).
        config["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # IMMEDIATE makes concurrent writers queue instead of failing mid-transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config
