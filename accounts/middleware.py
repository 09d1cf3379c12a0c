import time

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

# A session's expiry is pushed back at most this often: the idle timeout then counts from the last
# request to within a minute, without an UPDATE of the session row on every request.
SESSION_REFRESH_SECONDS = 60
_REFRESHED_AT = "_refreshed_at"


class IdleTimeoutSessionMiddleware(SessionMiddleware):
    """Sessions expire SESSION_COOKIE_AGE after the last request (the idle timeout), refreshed at
    most once a minute instead of written on every request (SESSION_SAVE_EVERY_REQUEST)."""

    def process_response(self, request, response):
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            from accounts.home import forget_cards

            forget_cards(request)  # the home page's kept counts: this session has just changed something
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if session.modified or now - session.get(_REFRESHED_AT, 0) >= SESSION_REFRESH_SECONDS:
                session[_REFRESHED_AT] = now
        return super().process_response(request, response)


def _user(request):
    if not hasattr(request, "_cached_user"):
        staff_user = getattr(request.session, "staff_user", None)  # accounts.sessions.SessionStore
        staff = staff_user() if staff_user is not None else None
        request._cached_user = staff if staff is not None else auth.get_user(request)
    return request._cached_user


class StaffAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, taking the user that the session store read with the session
    (one statement, not two) when the signed session data vouches for it; otherwise Django decides."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))


class ForcePasswordChangeMiddleware:
    """A user still on an initial password may do nothing but change it (or log out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password:
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:password_change")
        return self.get_response(request)


class SecondFactorMiddleware:
    """An administrator who has not given this session's second factor may only give it (or bind an
    authenticator first) or log out (accounts.second_factor)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from accounts.second_factor import is_verified, needs_second_factor

        user = request.user
        via_token = getattr(request, "auth_via_token", False)  # an API token is its own credential
        if not via_token and needs_second_factor(user) and not is_verified(request):
            allowed = {reverse("accounts:second_factor"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    message = "系统管理员须先完成两步验证"
                    return JsonResponse({"code": "second_factor", "message": message}, status=403)
                return redirect(f"{reverse('accounts:second_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
