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
from django.db.models import Prefetch

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


class _Finder:
    """Candidate ids, best first, by plain SQL on the indexes named in the module docstring.

    Plain SQL because the ORM spent ~1 ms compiling each of these tiny queries, more than the
    database spent answering them; the persons themselves are then read through Person.objects.
    Every statement carries the jurisdiction as a range on area_code (the prefix as a range is
    what a B-tree can use on both databases; LIKE cannot on PostgreSQL without a C collation).
    """

    def __init__(self, prefix: str, limit: int):
        self.limit = limit
        self.sqlite = connection.vendor == "sqlite"
        self.area_sql, self.area_params = "", []
        if prefix:
            self.area_sql = " AND {t}area_code >= %s AND {t}area_code < %s"
            self.area_params = [prefix, _next_prefix(prefix)]
        self.ids: list[int] = []

    def area(self, alias: str = "") -> str:
        return self.area_sql.format(t=f"{alias}." if alias else "")

    def run(self, sql: str, params: list) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            self.ids += [row[0] for row in cursor.fetchall()]

    def persons(self, where: str, params: list, order: str = "area_code, id") -> None:
        sql = f"SELECT id FROM {PERSON} WHERE {where}{self.area()} ORDER BY {order} LIMIT %s"  # noqa: S608
        self.run(sql, [*params, *self.area_params, self.limit + len(self.ids)])

    def right(self, column: str, n: int) -> str:
        """The SQL text of Django's Right(column, n) index expression, so the planner matches it."""
        return f'SUBSTR("{column}", ({n} * -1), {n})' if self.sqlite else f'RIGHT("{column}", {n})'

    # kinds of query ------------------------------------------------------------------------------
    def digits(self, q: str) -> None:
        q = q.upper()
        if len(q) == 15 and q.isdigit():
            q = normalize_id(q)
        if len(q) == 18:
            self.persons("id_number = %s", [q])
            return
        if len(q) < MIN_DIGITS:
            return
        if q[-1] != "X":
            if len(q) == 11 and q.startswith("1"):
                self.persons("phone = %s", [q])
            self.suffix("phone", q)
        self.suffix("id_number", q)

    def suffix(self, column: str, digits: str) -> None:
        tail = 6 if len(digits) >= 6 and column == "id_number" else 4
        where, params = f"{self.right(column, tail)} = %s", [digits[-tail:]]
        if len(digits) > tail:
            where += f" AND {column} LIKE %s"
            params.append("%" + digits)
        self.persons(where, params)

    def latin(self, q: str) -> None:
        q = q.lower()
        for column in ("name_initials", "name_pinyin") if len(q) <= 4 else ("name_pinyin", "name_initials"):
            self.persons(f"{column} >= %s AND {column} < %s", [q, _next_prefix(q)], f"{column}, area_code, id")

    def name(self, q: str) -> None:
        """Exact name first, then names starting with q, then names containing q further in."""
        self.persons("name = %s", [q])
        self.persons("name >= %s AND name < %s", [q, _next_prefix(q)], "name, area_code, id")
        grams = f"SELECT person_id FROM {GRAM} WHERE gram = %s{self.area()}"  # noqa: S608
        if len(q) <= GRAM_MAX:
            sql = f"{grams} ORDER BY area_code, person_id LIMIT %s"
            self.run(sql, [q, *self.area_params, self.limit + len(self.ids)])
        else:
            pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where = f"name LIKE %s ESCAPE '\\' AND id IN ({grams})"
            self.persons(where, [pattern, q[:GRAM_MAX], *self.area_params])

    def address(self, q: str) -> None:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql = (
            f"SELECT m.person_id FROM {MEMBERSHIP} m JOIN {HOUSEHOLD} h ON h.id = m.household_id "  # noqa: S608
            f"WHERE m.end_date IS NULL AND h.address LIKE %s ESCAPE '\\'{self.area('h')} "
            f"ORDER BY m.area_code, m.person_id LIMIT %s"
        )
        self.run(sql, [pattern, *self.area_params, self.limit])


PERSON = Person._meta.db_table
GRAM = PersonNameGram._meta.db_table
MEMBERSHIP = Membership._meta.db_table
HOUSEHOLD = Household._meta.db_table


def _next_prefix(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _looks_like_address(q: str) -> bool:
    return any(marker in q for marker in _ADDRESS_MARKERS) or any(ch.isdigit() for ch in q)


def search_ids(query: str, limit: int = 50) -> list[int]:
    """Ids of matching persons in the current jurisdiction, best first."""
    q = re.sub(r"\s+", "", query or "")
    scope = current_scope()
    if not q or scope.nothing or limit <= 0:
        return []
    finder = _Finder(scope.prefix, limit)
    if _DIGITS.match(q):
        finder.digits(q)
    elif _LATIN.match(q):
        finder.latin(q)
    else:
        finder.name(q)
        if not finder.ids or (_looks_like_address(q) and len(set(finder.ids)) < limit):
            finder.address(q)
    return list(dict.fromkeys(finder.ids))[:limit]


def search_persons(query: str, limit: int = 50) -> list[Person]:
    """Persons matching what a clerk typed into the one search box, best matches first.

    One box for: exact name, a fragment of a name (1, 2, 3+ characters), full pinyin ("zhangsan"),
    pinyin initials ("zs"), the full ID number or its last 4+ digits, a phone number or its last 4+
    digits, a fragment of the household address.
    """
    ids = search_ids(query, limit)
    if not ids:
        return []
    # Each result carries its current membership and household (`person.current`, a list), in one
    # more query, so a result list never costs a query per person.
    current = Prefetch(
        "memberships",
        queryset=Membership.objects.filter(end_date__isnull=True).select_related("household"),
        to_attr="current",
    )
    found = Person.objects.prefetch_related(current).in_bulk(ids)
    return [found[i] for i in ids if i in found]
