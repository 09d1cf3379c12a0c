"""政策找人's error codes (raised as core.errors.DomainError), with Chinese messages."""

from django.db import models


class OutreachCode(models.TextChoices):
    NOT_FOUND = "not_found", "找不到该线索"
    CLOSED = "closed", "线索已办结"
    NOTE_MISSING = "note_missing", "请填写情况说明"
    NO_HOUSEHOLD = "no_household", "该居民没有在册家庭户"
