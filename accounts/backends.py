from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """ModelBackend that loads a session's user together with the unit: every request needs both
    (jurisdiction, audit actor), so one query instead of two."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
