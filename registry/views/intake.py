"""Registering a new household with its people in one go (the window form and POST /households).

All or nothing: every person is registered and the household formed inside one transaction; the
first DomainError rolls everything back and says which row it came from.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from core.errors import DomainError
from registry import services
from registry.errors import RegistryCode
from registry.models import Household, Person
from registry.relations import Relation


@dataclass
class MemberRow:
    relation: str
    person: Person | None = None  # an already registered person (API), or the fields below
    name: str = ""
    id_number: str = ""
    fields: dict = field(default_factory=dict)


class RowError(Exception):
    def __init__(self, index: int, error: DomainError):
        super().__init__(error.message)
        self.index = index
        self.error = error


def register_household_with_members(
    *, rows: list[MemberRow], area_code: str, address: str, on_date: date, **household_fields
) -> Household:
    """rows[0] is the head. Raises RowError(index, DomainError) or DomainError (household-level)."""
    if not rows or rows[0].relation != Relation.HEAD:
        raise DomainError(RegistryCode.HEAD_MISSING, "第一行须为户主")
    with transaction.atomic():
        people: list[Person] = []
        for index, row in enumerate(rows):
            if index and row.relation == Relation.HEAD:
                raise RowError(index, DomainError(RegistryCode.TWO_HEADS, "一户只能有一个户主"))
            if row.person is not None:
                people.append(row.person)
                continue
            try:
                people.append(
                    services.register_person(id_number=row.id_number, name=row.name, area_code=area_code, **row.fields)
                )
            except DomainError as error:
                raise RowError(index, error) from None
        members = [services.NewMember(person, row.relation) for person, row in zip(people[1:], rows[1:], strict=True)]
        return services.register_household(
            head=people[0], members=members, address=address, area_code=area_code, on_date=on_date, **household_fields
        )
