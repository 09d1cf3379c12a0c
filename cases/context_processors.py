from django.utils import timezone

from accounts.roles import Capability


def calendar_warnings(request) -> dict:
    """Administrators see, on every page, the years whose holiday notice is still to be entered."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.can(Capability.MANAGE_PERIODIC_WORK):
        return {}
    from cases.workdays import calendar_warnings as warnings_on

    return {"calendar_warnings": warnings_on(timezone.localdate())}
