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


# - roll lines that are not monthly enrolments: a business line whose payments are one-off (a funeral
#   fee waiver settled to the funeral home, an eco-burial reward to the family) registers a writer
#   per programme; `generate_roll` runs it after its own statements, in the same transaction.
RollLineWriter = Callable[..., int]
_ROLL_LINE_WRITERS: dict[str, list[RollLineWriter]] = {}


def register_roll_lines(programme: str, writer: RollLineWriter) -> RollLineWriter:
    """`writer(roll, *, month, prefix, offset) -> int`: INSERT … SELECT the roll's lines (set-based;
    seq numbered from offset + 1; enrolment and household may be NULL), returns how many it wrote."""
    writers = _ROLL_LINE_WRITERS.setdefault(str(programme), [])
    if writer not in writers:
        writers.append(writer)
    return writer


def roll_line_writers(programme: str) -> list[RollLineWriter]:
    return list(_ROLL_LINE_WRITERS.get(str(programme), ()))
