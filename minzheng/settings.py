"""Settings for minzheng. Everything configurable comes from the environment (see README)."""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from minzheng.env import env_bool, env_database, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MINZHENG_VAR_DIR", BASE_DIR / "var"))

# Production-safe defaults; `make run` exports MINZHENG_DEBUG=1 for the dev profile.
DEBUG = env_bool("MINZHENG_DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "生产模式必须设置环境变量 SECRET_KEY (SECRET_KEY is required when MINZHENG_DEBUG is off)"
        )
    SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - dev profile only

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
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
    "audit.context.AuditContextMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
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
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'minzheng.sqlite3'}")}
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
SESSION_COOKIE_AGE = env_int("MINZHENG_IDLE_TIMEOUT_MINUTES", 30) * 60
# The 30 minutes count from the last request (an idle timeout): IdleTimeoutSessionMiddleware pushes
# the expiry back at most once a minute rather than writing the session row on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_SECURE = env_bool("MINZHENG_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
HOTLINE_ANSWER_TIMEOUT = env_int("MINZHENG_HOTLINE_ANSWER_TIMEOUT", 10, minimum=1)

MINZHENG = {
    # Name shown in the header; a county sets its own.
    "SITE_NAME": os.environ.get("MINZHENG_SITE_NAME", "民政一体化服务平台"),
}

# Lockout is by account (等保: 5 failures lock the account). Township offices share one NAT
# address, so locking by IP would lock a whole office out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
