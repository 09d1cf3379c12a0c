"""What payments asks the business lines above it, without importing them.

- roll approval guard: before a payment roll is approved, every registered guard may refuse it with
  a DomainError (supervision makes a roll a configured rule names wait for a 稽查 opinion).
"""

from collections.abc import Callable

RollGuard = Callable[[object], None]
_ROLL_GUARDS: list[RollGuard] = []


def register_roll_approval_guard(guard: RollGuard) -> RollGuard:
    """`guard(roll)` raises a DomainError to refuse the approval; runs before anything is written."""
    if guard not in _ROLL_GUARDS:
        _ROLL_GUARDS.append(guard)
    return guard


def check_roll_approval(roll) -> None:
    for guard in _ROLL_GUARDS:
        guard(roll)
