"""The one search box of the registry: name, fragment, pinyin, initials, ID number, phone, address.

Always inside the current jurisdiction: candidates are found through indexes restricted to the
scope's area-code range, and the persons are then read through `Person.objects`, whose default
manager applies the jurisdiction again. Design and measurements: docs/decisions/0006-registry-search.md.

Which index serves what (the same on SQLite and PostgreSQL):

- exact name ............ person (name, area_code, id)
- name fragment ......... at the start of the name: the same index as a range (name >= q < q+1);
                          further in: PersonNameGram (gram, area_code, person_id) of 1–2 character
                          pieces; longer fragments probe their first 2 characters and check the rest
- full pinyin / initials  person (name_pinyin | name_initials, area_code, id), as a prefix range
- ID number ............. unique id_number; last 4–5 digits right(id, 4), 6+ digits right(id, 6)
- phone ................. phone; last 4+ digits right(phone, 4)
- address fragment ...... household address, only when the query looks like an address or
                          nothing else matched (a scan of the households in scope)
"""

import re
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import Q

from areas.jurisdiction import current_scope
from registry.idcard import normalize as normalize_id
from registry.models import Household, Membership, Person, PersonNameGram

GRAM_MAX = 2
MIN_DIGITS = 4

_DIGITS = re.compile(r"^\d+[Xx]?$")
_LATIN = re.compile(r"^[A-Za-z]+$")
_ADDRESS_MARKERS = ("村", "组", "号", "社区", "街", "巷", "栋", "室", "单元", "镇", "乡", "县", "小区", "弄")


# --- the name-gram index -------------------------------------------------------------------------


def name_grams(name: str) -> set[str]:
    """Every distinct 1–2 character piece of a name that does not start it: 张小明 → 小 明 小明.

    Pieces at the start are prefixes of the name, which the (name, area_code, id) index already
    serves as a range; leaving them out halves the table (2.4 rows a person instead of 5).
    """
    name = re.sub(r"\s+", "", name or "")
    return {name[i : i + n] for n in range(1, GRAM_MAX + 1) for i in range(1, len(name) - n + 1)}


def gram_rows(persons: Iterable[tuple[int, str, str]]) -> Iterator[tuple[str, str, int]]:
    """(gram, area_code, person_id) rows for (person_id, name, area_code) triples: for bulk loads."""
    cache: dict[str, set[str]] = {}
    for person_id, name, area_code in persons:
        grams = cache.get(name)
        if grams is None:
            grams = cache[name] = name_grams(name)
        for gram in grams:
            yield gram, area_code, person_id


def index_person(person: Person, created: bool = False) -> None:
    """Refresh one person's grams (called on every save of a Person)."""
    snapshot = getattr(person, "_audit_snapshot", None)
    if (
        not created
        and snapshot is not None
        and snapshot.get("name") == person.name
        and snapshot.get("area_code") == person.area_code
    ):
        return
    with transaction.atomic():
        PersonNameGram.objects.filter(person_id=person.pk).delete()
        PersonNameGram.objects.bulk_create(
            PersonNameGram(gram=g, area_code=a, person_id=p)
            for g, a, p in gram_rows([(person.pk, person.name, person.area_code)])
        )


def rebuild_name_grams(batch: int = 20_000) -> int:
    """Rebuild the grams of every person in the current scope (after bulk changes). Returns rows written."""
    people = Person.objects.order_by("pk").values_list("pk", "name", "area_code")
    written, last = 0, 0
    while True:
        chunk = list(people.filter(pk__gt=last)[:batch])
        if not chunk:
            return written
        last = chunk[-1][0]
        with transaction.atomic():
            PersonNameGram.objects.filter(person_id__in=[c[0] for c in chunk]).delete()
            rows = [PersonNameGram(gram=g, area_code=a, person_id=p) for g, a, p in gram_rows(chunk)]
            PersonNameGram.objects.bulk_create(rows, batch_size=5000)
            written += len(rows)


# --- searching -----------------------------------------------------------------------------------


def _area_range(prefix: str) -> Q:
    """The jurisdiction prefix as a range, which a B-tree can use on both databases (LIKE cannot
    on PostgreSQL without a C collation, nor on SQLite with its ESCAPE clause)."""
    if not prefix:
        return Q()
    return Q(area_code__gte=prefix, area_code__lt=_next_prefix(prefix))


def _next_prefix(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _right(column: str, n: int) -> str:
    """The SQL text of Django's Right(column, n) index expression, so the planner matches it."""
    if connection.vendor == "sqlite":
        return f'SUBSTR("{column}", ({n} * -1), {n})'
    return f'RIGHT("{column}", {n})'


def _ids(queryset, n: int) -> list[int]:
    return list(queryset.values_list("pk", flat=True)[:n])


def _by_suffix(people, column: str, digits: str, n: int) -> list[int]:
    tail = 6 if len(digits) >= 6 and column == "id_number" else 4
    queryset = people.extra(where=[f"{_right(column, tail)} = %s"], params=[digits[-tail:]])  # noqa: S610
    if len(digits) > tail:
        queryset = queryset.filter(**{f"{column}__endswith": digits})
    return _ids(queryset.order_by("area_code", "id"), n)


def _digit_ids(people, q: str, limit: int) -> list[int]:
    q = q.upper()
    if len(q) == 15 and q.isdigit():
        q = normalize_id(q)
    if len(q) == 18:
        return _ids(people.filter(id_number=q), limit)
    if len(q) < MIN_DIGITS:
        return []
    ids: list[int] = []
    if q[-1] != "X":
        if len(q) == 11 and q.startswith("1"):
            ids += _ids(people.filter(phone=q).order_by("area_code", "id"), limit)
        ids += _by_suffix(people, "phone", q, limit)
    ids += _by_suffix(people, "id_number", q, limit)
    return ids


def _latin_ids(people, q: str, limit: int) -> list[int]:
    q = q.lower()
    found = {}
    for column in ("name_initials", "name_pinyin") if len(q) <= 4 else ("name_pinyin", "name_initials"):
        queryset = people.filter(**{f"{column}__gte": q, f"{column}__lt": _next_prefix(q)})
        found[column] = _ids(queryset.order_by(column, "area_code", "id"), limit)
    return [i for ids in found.values() for i in ids]


def _name_ids(people, area: Q, q: str, limit: int) -> list[int]:
    """Exact name first, then names starting with q, then names containing q further in."""
    ids = _ids(people.filter(name=q).order_by("area_code", "id"), limit)
    starting = people.filter(name__gte=q, name__lt=_next_prefix(q))
    ids += _ids(starting.order_by("name", "area_code", "id"), limit + len(ids))
    grams = PersonNameGram.objects.filter(area, gram=q[:GRAM_MAX])
    if len(q) <= GRAM_MAX:
        inner = grams.order_by("area_code", "person_id").values_list("person_id", flat=True)
        ids += list(inner[: limit + len(ids)])
    else:
        inner = people.filter(name__contains=q, pk__in=grams.values("person_id"))
        ids += _ids(inner.order_by("area_code", "id"), limit + len(ids))
    return ids


def _looks_like_address(q: str) -> bool:
    return any(marker in q for marker in _ADDRESS_MARKERS) or any(ch.isdigit() for ch in q)


def _address_ids(q: str, limit: int) -> list[int]:
    households = Household.objects.filter(address__contains=q).values("pk")
    members = Membership.objects.filter(end_date__isnull=True, household__in=households)
    return list(members.order_by("area_code", "person_id").values_list("person_id", flat=True)[:limit])


def search_ids(query: str, limit: int = 50) -> list[int]:
    """Ids of matching persons in the current jurisdiction, best first."""
    q = re.sub(r"\s+", "", query or "")
    scope = current_scope()
    if not q or scope.nothing or limit <= 0:
        return []
    area = _area_range(scope.prefix)
    people = Person.objects.filter(area)
    if _DIGITS.match(q):
        ids = _digit_ids(people, q, limit)
    elif _LATIN.match(q):
        ids = _latin_ids(people, q, limit)
    else:
        ids = _name_ids(people, area, q, limit)
        if not ids or (_looks_like_address(q) and len(set(ids)) < limit):
            ids += _address_ids(q, limit)
    return list(dict.fromkeys(ids))[:limit]


def search_persons(query: str, limit: int = 50) -> list[Person]:
    """Persons matching what a clerk typed into the one search box, best matches first.

    One box for: exact name, a fragment of a name (1, 2, 3+ characters), full pinyin ("zhangsan"),
    pinyin initials ("zs"), the full ID number or its last 4+ digits, a phone number or its last 4+
    digits, a fragment of the household address.
    """
    ids = search_ids(query, limit)
    if not ids:
        return []
    found = Person.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]
