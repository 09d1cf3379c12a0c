"""What higher layers learn from grid work, without grid importing them (cases/hooks.py pattern).

- `register_visit_handler(fn)`: fn(visit, user) -> str | None, called when a visit tied to a
  monitoring warning is stored; monitoring closes or escalates its warning and says what it did.
- `register_warning_maker(fn)`: fn(*, household, person, detail, on_date, natural_key) -> str,
  the number of the warning raised for an event or a visit (主动发现); monitoring registers it.
"""

from collections.abc import Callable

_VISIT_HANDLERS: list[Callable] = []
_WARNING_MAKERS: list[Callable] = []


def register_visit_handler(fn: Callable) -> None:
    if fn not in _VISIT_HANDLERS:
        _VISIT_HANDLERS.append(fn)


def register_warning_maker(fn: Callable) -> None:
    if fn not in _WARNING_MAKERS:
        _WARNING_MAKERS.append(fn)


def visit_recorded(visit, user) -> list[str]:
    """Every handler's note on what the visit did (empty when nobody listens)."""
    return [note for fn in _VISIT_HANDLERS if (note := fn(visit, user))]


def raise_warning(**kwargs) -> str | None:
    """A warning raised by the monitoring layer; None when monitoring is not installed."""
    for fn in _WARNING_MAKERS:
        return fn(**kwargs)
    return None


def can_make_warnings() -> bool:
    return bool(_WARNING_MAKERS)
