import logging

from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception as exc:  # a health check reports, it does not raise
        database = "error"
        logger.warning("healthz: database unreachable: %s", exc.__class__.__name__)
    status = 200 if database == "ok" else 503
    # No vendor, version or error class: a probe needs up or down, an attacker would like the rest.
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": database}, status=status)
