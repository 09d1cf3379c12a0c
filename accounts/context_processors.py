from django.conf import settings

from core.navigation import nav_for


def staff_context(request) -> dict:
    return {"site_name": settings.MINZHENG["SITE_NAME"], "nav_groups": nav_for(request.user)}
