"""Extension points of the registry for the layers above it.

- death listeners: `registry.services.register_death` (the person page, the person API and a
  profile edit that marks a resident dead) records the death in the registry and then tells every
  registered listener, inside the same transaction, so the registry never imports the ledger. The
  ledger registers `ledger.deaths.record_death`, which stops payment, holds roll lines, opens the
  household's review and notes it on the case timeline.
"""

from collections.abc import Callable
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeathSource(models.TextChoices):
    """Where a death became known. The department codes are verification's source codes."""

    REGISTRY = "registry", _("居民档案登记")
    API = "api", _("接口登记")
    POLICE = "death", _("公安死亡人员信息")
    FUNERAL = "funeral", _("殡葬火化信息")


DeathListener = Callable[..., list[str]]
_DEATH_LISTENERS: list[DeathListener] = []


def register_death_listener(listener: DeathListener) -> DeathListener:
    """`listener(person, *, died_on, source, user) -> list[str]`: sentences for the clerk about what
    it did (none when nothing). Registering the same function twice is harmless."""
    if listener not in _DEATH_LISTENERS:
        _DEATH_LISTENERS.append(listener)
    return listener


def death_recorded(person, *, died_on: date, source: str, user) -> list[str]:
    """Tell every listener; returns what they said, in registration order."""
    return [
        sentence
        for listener in _DEATH_LISTENERS
        for sentence in listener(person, died_on=died_on, source=source, user=user)
        if sentence
    ]
