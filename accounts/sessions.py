"""The login session store: the session row and its user (with unit and roles) in one statement.

Every request reads its session and then its user; two statements are two round trips to the
database. The session table keeps the user's id in a column (`StaffSession.user`, a relation without
a database constraint, written whenever the session is saved), so the ORM reads the session with its
user, the user's unit and role codes (`accounts.backends.role_codes_of`) in one row. `StaffAuthenticationMiddleware` uses that user only
when the signed session data names the same user, backend and password hash, and leaves every other
case to Django. Writes (login, refresh, logout) stay with Django's store.
"""

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends import db
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.backends import StaffBackend, role_codes_of, set_role_codes
from accounts.models import StaffSession

_BACKEND = f"{StaffBackend.__module__}.{StaffBackend.__qualname__}"


class SessionStore(db.SessionStore):
    # The user read with the session (None: no user, or not read that way).
    staff = None

    @classmethod
    def get_model_class(cls):
        return StaffSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            session.user_id = None
        return session

    def load(self):
        self.staff = None
        if self.session_key is None:  # an invalid cookie value: Django's store sets the key to None
            return {}
        try:
            session = (
                StaffSession.objects.select_related("user__unit")
                .annotate(role_list=role_codes_of(StaffSession, "user_id"))
                .get(session_key=self.session_key, expire_date__gt=timezone.now())
            )
        except StaffSession.DoesNotExist:
            self._session_key = None
            return {}
        if session.user is not None:
            self.staff = set_role_codes(session.user, session.role_list)
        return self.decode(session.session_data)

    def staff_user(self):
        """The user read with the session, when the signed data says it is this session's user."""
        user_id = self.get(SESSION_KEY)  # loads the session (and the user with it) on first use
        staff = self.staff
        if staff is None or str(staff.pk) != str(user_id) or self.get(BACKEND_SESSION_KEY) != _BACKEND:
            return None
        if not StaffBackend().user_can_authenticate(staff):
            return None
        if not constant_time_compare(self.get(HASH_SESSION_KEY, ""), staff.get_session_auth_hash()):
            return None
        return staff
