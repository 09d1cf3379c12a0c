"""The marriage register as the registry's `MaritalRegister` (registry.hooks): what the verification
report's 婚姻登记 source reads, without importing this line."""

from django.db.models import Q

from marriage.models import MarriageRecord
from registry.hooks import MaritalEntry, MaritalRegister, register_marital_register

LABELS = {"married": "结婚登记", "divorced": "离婚登记", "revoked": "婚姻已撤销"}


def records_for(id_numbers) -> dict[str, list[MaritalEntry]]:
    numbers = sorted(set(id_numbers))
    found: dict[str, list[MaritalEntry]] = {number: [] for number in numbers}
    if not numbers:
        return found
    rows = MarriageRecord.objects.filter(Q(man_id_number__in=numbers) | Q(woman_id_number__in=numbers)).order_by(
        "registered_on", "pk"
    )
    for row in rows.values_list(
        "kind", "status", "registered_on", "ended_on", "office_name", "number", "man_id_number", "woman_id_number"
    ):
        kind, status, on_date, ended_on, office, number, man, woman = row
        if kind == MarriageRecord.Kind.DIVORCE:
            entries = [MaritalEntry("divorced", LABELS["divorced"], on_date, office, number)]
        else:
            entries = [MaritalEntry("married", LABELS["married"], on_date, office, number)]
            if status == MarriageRecord.Status.REVOKED:
                entries.append(MaritalEntry("revoked", LABELS["revoked"], ended_on or on_date, office, number))
        for side in (man, woman):
            if side in found:
                found[side].extend(entries)
    return found


register_marital_register(MaritalRegister(records_for=records_for))
