"""PostgreSQL row-level security: a second wall under the scoped managers (ADR 0025).

The scoped managers (areas/jurisdiction.py) filter every query by the actor's area. Under them, on PostgreSQL,
the personal-data tables carry a row-level security policy that reads the jurisdiction from the session setting
`minzheng.area_prefix`; `within()` keeps that setting equal to the current scope while ROW_LEVEL_SECURITY is on
(MINZHENG_ROW_LEVEL_SECURITY, on in production). So a query that forgets the scope — `unscoped`, raw SQL — still
returns only the area's rows to a township clerk.

What the setting means: '' (or never set: management commands, migrations) = the whole system; '-' = no area
(an anonymous visitor); an area prefix = that area and below. Reads are restricted; writes are left to the
services (a household moving to another township is written by a clerk of the old one). PostgreSQL applies the
policies to every role but the tables' owner and superusers: in production the web service connects as its own
role `minzheng_web`, while the owner `minzheng` runs migrations, the task worker (whose bulk imports use COPY,
which row-level security does not allow) and backups (scripts/install-production.sh).
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

SETTING = "minzheng.area_prefix"
NO_AREA = "-"  # no area code starts with it

# The tables a policy guards (core/migrations/0001_row_level_security.py creates them; a test checks both agree).
PERSONAL_DATA_TABLES = (
    "registry_person",
    "registry_household",
    "registry_membership",
    "registry_document",
    "assistance_application",
    "assistance_survey",
    "assistance_closerelative",
    "assistance_temporaryaidpayment",
    "cases_case",
    "ledger_enrolment",
    "monitoring_monitoredhousehold",
    "monitoring_warning",
)


def enabled() -> bool:
    return getattr(settings, "ROW_LEVEL_SECURITY", False)


def setting_for(scope) -> str:
    if scope is None or (not scope.nothing and not scope.prefix):
        return ""
    return NO_AREA if scope.nothing else scope.prefix


def _failing(alias: str) -> bool:
    if transaction.get_autocommit(alias):
        return False
    try:
        return transaction.get_rollback(alias)
    except transaction.TransactionManagementError:  # autocommit off outside atomic(): not ours to judge
        return False


def apply(scope) -> None:
    """Make the database's idea of the jurisdiction the same as `scope` on each PostgreSQL connection in use."""
    value = setting_for(scope)
    for alias in (DEFAULT_DB_ALIAS, "replica"):
        if alias not in settings.DATABASES:
            continue
        connection = connections[alias]
        if connection.vendor != "postgresql" or _failing(alias):
            # A transaction already failing is rolled back, and its setting with it: nothing to do now.
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, false)", [SETTING, value])
