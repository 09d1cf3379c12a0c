"""Reading policy parameters: the most specific area wins, then the latest effective date."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from areas.codes import validate_code
from policy.models import PolicyParameter
from policy.programmes import ParameterKey


class MissingParameter(LookupError):
    def __init__(self, key: str, area_code: str, on: date):
        label = ParameterKey(key).label if key in ParameterKey.values else key
        super().__init__(f"未设置政策参数“{label}”（区划{area_code}，{on:%Y-%m-%d}），请管理员在政策参数中录入")
        self.key = key


def ancestor_codes(code: str) -> list[str]:
    """The national default ("") and every level above and including `code` (12-digit form);
    for the national level itself ("") just the national default."""
    if not code:
        return [""]
    validate_code(code)
    code = code[:12]
    return ["", code[:2] + "0" * 10, code[:4] + "0" * 8, code[:6] + "0" * 6, code[:9] + "000", code]


@dataclass
class Policy:
    """The parameters in force for one area on one day."""

    area_code: str
    on: date
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, PolicyParameter] = field(default_factory=dict)

    @classmethod
    def for_area(cls, area_code: str, on: date) -> "Policy":
        candidates = PolicyParameter.objects.filter(
            area_code__in=set(ancestor_codes(area_code)), effective_from__lte=on
        ).select_related("document")
        best: dict[str, PolicyParameter] = {}
        for parameter in candidates:  # a few dozen rows: one per key and level at most
            current = best.get(parameter.key)
            if current is None or (len(parameter.area_code.rstrip("0")), parameter.effective_from) > (
                len(current.area_code.rstrip("0")),
                current.effective_from,
            ):
                best[parameter.key] = parameter
        return cls(
            area_code=area_code,
            on=on,
            values={key: p.value for key, p in best.items()},
            sources=best,
        )

    def raw(self, key: str) -> Any:
        if key not in self.values:
            raise MissingParameter(key, self.area_code, self.on)
        return self.values[key]

    def amount(self, key: str) -> Decimal:
        return Decimal(str(self.raw(key)))

    def number(self, key: str) -> Decimal:
        return Decimal(str(self.raw(key)))

    def months(self, key: str) -> int:
        return int(self.raw(key))

    def text(self, key: str) -> str:
        return str(self.raw(key))

    def items(self, key: str) -> list:
        value = self.raw(key)
        return list(value) if isinstance(value, list | tuple) else [value]
