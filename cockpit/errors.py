"""The cockpit's error codes (raised as core.errors.DomainError), with Chinese messages."""

from django.db import models

from core.errors import DomainError


class CockpitCode(models.TextChoices):
    BAD_AREA = "bad_area", "区划不可查看"


class BadArea(DomainError):
    """The area asked for is not one the user may look at."""

    def __init__(self, message: str):
        super().__init__(CockpitCode.BAD_AREA, message)
