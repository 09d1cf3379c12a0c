"""Extension points of the registry for the layers above it.

- death listeners: `registry.services.register_death` (the person page, the person API and a
  profile edit that marks a resident dead) records the death in the registry and then tells every
  registered listener, inside the same transaction, so the registry never imports the ledger. The
  ledger registers `ledger.deaths.record_death`, which stops payment, holds roll lines, opens the
  household's review and notes it on the case timeline.
"""

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeathSource(models.TextChoices):
    """Where a death became known. The department codes are verification's source codes."""

    REGISTRY = "registry", _("居民档案登记")
    API = "api", _("接口登记")
    POLICE = "death", _("公安死亡人员信息")
    FUNERAL = "funeral", _("殡葬火化信息")
    HOSPITAL = "hospital", _("医疗机构死亡医学证明")


DeathListener = Callable[..., list[str]]
_DEATH_LISTENERS: list[DeathListener] = []


def register_death_listener(listener: DeathListener) -> DeathListener:
    """`listener(person, *, died_on, source, user) -> list[str]`: sentences for the clerk about what
    it did (none when nothing). Registering the same function twice is harmless."""
    if listener not in _DEATH_LISTENERS:
        _DEATH_LISTENERS.append(listener)
    return listener


def death_recorded(person, *, died_on: date, source: str, user, told=()) -> list[str]:
    """Tell every listener (but those in `told`, which the caller has told itself); returns what
    they said, in registration order."""
    return [
        sentence
        for listener in _DEATH_LISTENERS
        if listener not in told
        for sentence in listener(person, died_on=died_on, source=source, user=user)
        if sentence
    ]


class TakeOn:
    """What a take-on (存量保障对象导入) asks of the layer that keeps the benefits: the ledger registers
    one (ledger/takeon.py), so the registry's importer never imports the ledger.

    - programmes: {code: label} a roster can be taken on into;
    - check(plans, *, programme) -> [(row, message)]: problems the registry cannot see (an open
      enrolment of the same programme, a 特困 row without 供养方式); no writes;
    - write(plans, *, programme, user, on_date) -> dict: inside the import's transaction, after the
      households and persons are written (every plan and person carries its id), the enrolments.
    """

    def __init__(self, programmes: dict[str, str], check: Callable[..., list], write: Callable[..., dict]):
        self.programmes, self.check, self.write = programmes, check, write


_TAKE_ON: list[TakeOn] = []


def register_take_on(take_on: TakeOn) -> TakeOn:
    _TAKE_ON[:] = [take_on]
    return take_on


def take_on() -> TakeOn | None:
    """The registered take-on, or None when no layer above registered one."""
    return _TAKE_ON[0] if _TAKE_ON else None


# --- identified listeners ----------------------------------------------------------------------
# `registry.unidentified.identify` merges a person not yet identified into the registry's person;
# the lines above (the rescue station's stays, …) move their own rows to that person through these.
IdentifiedListener = Callable[..., list[str]]
_IDENTIFIED_LISTENERS: list[IdentifiedListener] = []


def register_identified_listener(listener: IdentifiedListener) -> IdentifiedListener:
    """`listener(unidentified, person, *, user) -> list[str]`: sentences about what it moved."""
    if listener not in _IDENTIFIED_LISTENERS:
        _IDENTIFIED_LISTENERS.append(listener)
    return listener


def person_identified(unidentified, person, *, user) -> list[str]:
    return [s for listener in _IDENTIFIED_LISTENERS for s in listener(unidentified, person, user=user) if s]


class MaritalRegister:
    """The platform's own marriage register, as the layers that read marital status see it (the
    verification report's 婚姻登记 source). The marriage line registers one (marriage/register_hooks.py),
    so neither the registry nor verification imports it.

    - records_for(id_numbers) -> {id_number: [MaritalEntry, ...]} oldest first, within the caller's
      jurisdiction scope.
    """

    def __init__(self, records_for: Callable[..., dict]):
        self.records_for = records_for


class MaritalEntry(NamedTuple):
    kind: str  # "married" / "divorced" / "revoked"
    label: str  # "结婚登记" / "离婚登记" / "婚姻已撤销"
    on_date: date
    office: str
    number: str


_MARITAL_REGISTER: list[MaritalRegister] = []


def register_marital_register(register: MaritalRegister) -> MaritalRegister:
    _MARITAL_REGISTER[:] = [register]
    return register


def marital_register() -> MaritalRegister | None:
    """The registered marriage register, or None when no line keeps one (shown as 未接入)."""
    return _MARITAL_REGISTER[0] if _MARITAL_REGISTER else None
