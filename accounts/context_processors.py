from django.conf import settings
from django.utils.functional import SimpleLazyObject

from core.navigation import nav_for, nav_html


def staff_context(request) -> dict:
    user = request.user
    return {
        "site_name": settings.MINZHENG["SITE_NAME"],
        "nav_groups": nav_for(user),
        "nav_html": SimpleLazyObject(lambda: nav_html(user)),  # drawn once per set of roles (core.navigation)
    }
