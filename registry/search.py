"""The one search box of the registry: name, fragment, pinyin, initials, ID number, phone, address.

Always inside the current jurisdiction (Person.objects). See docs/decisions/0006-registry-search.md.
"""

import re

from django.db.models import Q

from registry.models import Membership, Person

_DIGITS = re.compile(r"^\d+[Xx]?$")
_LATIN = re.compile(r"^[A-Za-z]+$")


def search_persons(query: str, limit: int = 50) -> list[Person]:
    """Persons matching what a clerk typed into the one search box, best matches first."""
    q = re.sub(r"\s+", "", query or "")
    if not q:
        return []
    people = Person.objects.all()
    if _DIGITS.match(q):
        q = q.upper()
        if len(q) < 4:
            return []
        condition = Q(id_number=q) if len(q) == 18 else Q(id_number__endswith=q) | Q(phone__endswith=q)
        return list(people.filter(condition).order_by("area_code", "name", "id")[:limit])
    if _LATIN.match(q):
        q = q.lower()
        return list(
            people.filter(Q(name_initials=q) | Q(name_pinyin__startswith=q) | Q(name_initials__startswith=q)).order_by(
                "name_pinyin", "id"
            )[:limit]
        )
    exact = list(people.filter(name=q).order_by("area_code", "id")[:limit])
    seen = {p.pk for p in exact}
    rest = people.filter(Q(name__contains=q)).exclude(pk__in=seen).order_by("name", "id")[: limit - len(exact)]
    result = exact + list(rest)
    if len(result) < limit:
        seen |= {p.pk for p in result}
        by_address = Membership.objects.filter(end_date__isnull=True, household__address__contains=q).values(
            "person_id"
        )
        result += list(people.filter(pk__in=by_address).exclude(pk__in=seen).order_by("id")[: limit - len(result)])
    return result
