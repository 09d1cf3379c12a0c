"""The one search box of the registry: name, fragment, pinyin, initials, ID number, phone, address.

Always inside the current jurisdiction: candidates are found through indexes restricted to the
scope's area-code range, and the persons are then read as `Person.objects` reads them, whose default
manager applies the jurisdiction again — in the same statement, which PostgreSQL keeps prepared on each
connection (psycopg prepares a statement after five executions: minzheng/env.py). Design and measurements: docs/decisions/0006-registry-search.md.

Which index serves what (the same on SQLite and PostgreSQL unless said):

- exact name ............ person (name, area_code, id)
- name fragment ......... at the start of the name: the same index as a range (name >= q < q+1);
                          further in: PersonNameGram (gram, area_code, person_id) of 1–2 character
                          pieces; longer fragments probe their first 2 characters and check the rest
- full pinyin / initials  person (name_pinyin | name_initials, area_code, id), as a prefix range
- ID number ............. unique id_number; last 4–5 digits person (right(id, 4), area_code, id),
                          6+ digits person (right(id, 6), area_code, id)
- phone, its last 4+ .... person (right(phone, 4), phone, area_code, id)
- address fragment ...... 3+ characters, when the query looks like an address or no name matched:
                          household address through an FTS5 trigram table (SQLite) or a pg_trgm
                          GIN index (PostgreSQL)
"""

import re
from collections.abc import Callable, Iterable, Iterator

from django.db import connections, transaction

from areas.jurisdiction import current_scope
from registry.idcard import normalize as normalize_id
from registry.models import Household, Membership, Person, PersonNameGram, with_current_household

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
    database spent answering them; the persons themselves are read as Person.objects reads them.
    Every branch carries the jurisdiction as a range on area_code (the prefix as a range is what a
    B-tree can use on both databases; LIKE cannot on PostgreSQL without a C collation) and is its
    own `ORDER BY … LIMIT` served by one index; the branches of a query and the persons they find
    go to the database as one statement, so a search is one round trip, not one per branch.
    """

    def __init__(self, prefix: str, limit: int):
        self.prefix, self.limit = prefix, limit
        # The database Person reads go to: the replica for a search page when one is configured (core/replica.py).
        self.connection = connections[Person.objects.all().db]
        self.sqlite = self.connection.vendor == "sqlite"
        self.area_sql, self.area_params = "", []
        if prefix:
            self.area_sql = " AND {t}area_code >= %s AND {t}area_code < %s"
            self.area_params = [prefix, _next_prefix(prefix)]
        self.branches: list[tuple[str, list]] = []

    def area(self, alias: str = "") -> str:
        return self.area_sql.format(t=f"{alias}." if alias else "")

    def branch(
        self, select: str, where: str, params: list, order: str, alias: str = "", area: tuple[str, list] | None = None
    ) -> None:
        """One ranked part of the answer: `select` yields (key, area_code, id), taken in `order`,
        within the jurisdiction (the area-code range unless `area` gives the condition instead)."""
        rank = len(self.branches)
        order_by = f" ORDER BY {order}" if order else ""
        area_sql, area_params = area or (self.area(alias), self.area_params)
        sql = f"SELECT * FROM (SELECT {rank} AS r, {select} WHERE {where}{area_sql}{order_by} LIMIT %s) b{rank}"  # noqa: S608
        self.branches.append((sql, [*params, *area_params]))

    def persons(self, where: str, params: list, key: str = "''", order: str = "area_code, id") -> None:
        self.branch(f"{key} AS k, area_code, id FROM {PERSON}", where, params, order)

    def ranked(self) -> tuple[str, list]:
        """SQL of the distinct candidate ids with their position (`id`, `pos`), best first, at most
        `limit`. Each branch takes `limit` rows: no branch repeats a person within itself, so a
        branch cut off at the limit alone holds enough; a person found by several keeps its best."""
        union = " UNION ALL ".join(s for s, _ in self.branches)
        sql = (
            "SELECT id, MIN(pos) AS pos FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY r, k, area_code, id) AS pos"  # noqa: S608
            f" FROM ({union}) u) n GROUP BY id ORDER BY pos LIMIT %s"
        )
        return sql, [p for _, params in self.branches for p in [*params, self.limit]] + [self.limit]

    def read_ids(self) -> list[int]:
        """The candidate ids, best first: one statement."""
        if not self.branches:
            return []
        sql, params = self.ranked()
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def read_persons(self) -> list[Person]:
        """The candidates as persons with their current household, best first: the ranked ids, then
        the persons as `Person.objects` reads them (its scope applied again)."""
        ids = self.read_ids()
        if not ids:
            return []
        found = with_current_household(Person.objects).in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def right(self, column: str, n: int) -> str:
        """The SQL text of Django's Right(column, n) index expression, so the planner matches it."""
        return f'SUBSTR("{column}", ({n} * -1), {n})' if self.sqlite else f'RIGHT("{column}", {n})'

    def contains(self, column: str, text: str) -> tuple[str, str]:
        """`column LIKE '%text%'` (SQL and its parameter) with the text's own % and _ taken literally."""
        text = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # PostgreSQL's default escape is the backslash already; SQLite has none unless told.
        return f"{column} LIKE %s" + (" ESCAPE '\\'" if self.sqlite else ""), f"%{text}%"

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
            self.suffix("phone", q)
        self.suffix("id_number", q)

    def suffix(self, column: str, digits: str) -> None:
        """The last digits of a phone (4+) or an ID number (4–5, 6+); a whole phone number is a suffix too."""
        tail = 6 if len(digits) >= 6 and column == "id_number" else 4
        where, params = f"{self.right(column, tail)} = %s", [digits[-tail:]]
        if len(digits) > tail:
            # phone: checked inside (right(phone, 4), phone, …) itself; id_number: on the few rows found
            where += f" AND {column} LIKE %s"
            params.append("%" + digits)  # digits and X only: nothing to escape
        self.persons(where, params)

    def latin(self, q: str) -> None:
        q = q.lower()
        for column in ("name_initials", "name_pinyin") if len(q) <= 4 else ("name_pinyin", "name_initials"):
            self.persons(f"{column} >= %s AND {column} < %s", [q, _next_prefix(q)], column, f"{column}, area_code, id")

    def name(self, q: str) -> None:
        """Exact name first, then names starting with q, then names containing q further in.

        One range serves the first two: in name order a name sorts before every longer name it starts.
        """
        self.persons("name >= %s AND name < %s", [q, _next_prefix(q)], "name", "name, area_code, id")
        grams = f"SELECT person_id FROM {GRAM} WHERE gram = %s{self.area()}"  # noqa: S608
        if len(q) <= GRAM_MAX:
            select = f"'' AS k, area_code, person_id AS id FROM {GRAM}"
            self.branch(select, "gram = %s", [q], "area_code, person_id")
        else:
            like, pattern = self.contains("name", q)
            self.persons(f"{like} AND id IN ({grams})", [pattern, q[:GRAM_MAX], *self.area_params])

    def address(self, q: str) -> None:
        """Current members of households whose address contains q (3+ characters): an FTS5 trigram
        table on SQLite, a pg_trgm GIN index on PostgreSQL (migration registry/0005).

        Every match is as good as another, so the branch takes the first `limit` the index yields,
        unsorted: sorting them first meant reading every match (431 households for 3组32号 in a
        county, 600 ms from a cold cache) to return 50.
        """
        members = f"JOIN {MEMBERSHIP} m ON m.household_id = h.id"
        households = f"{HOUSEHOLD} h {members}"
        area = None
        if self.sqlite:
            households = f"{ADDRESS_FTS} JOIN {HOUSEHOLD} h ON h.id = {ADDRESS_FTS}.rowid {members}"
            where, param = f"{ADDRESS_FTS} MATCH %s", '"' + q.replace('"', '""') + '"'  # one phrase
        else:
            where, param = self.contains("h.address", q)
            # The jurisdiction as a test on the rows the trigram index finds, not as a range the
            # area_code index could serve: the statement is prepared (psycopg), and the generic
            # plan, blind to how many households the range holds, ANDed that index's bitmap with
            # the trigram one — 300,000 households read for a county clerk, 9 ms instead of 0.3.
            area = (" AND starts_with(h.area_code, %s)", [self.prefix]) if self.prefix else ("", [])
        where += " AND m.end_date IS NULL"
        self.branch(f"'' AS k, h.area_code, m.person_id AS id FROM {households}", where, [param], "", "h", area)


PERSON = Person._meta.db_table
GRAM = PersonNameGram._meta.db_table
MEMBERSHIP = Membership._meta.db_table
HOUSEHOLD = Household._meta.db_table
ADDRESS_FTS = "registry_household_address_fts"  # SQLite only: migration registry/0005_address_search
ADDRESS_MIN = 3  # trigram indexes serve 3+ characters


def _next_prefix(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _looks_like_address(q: str) -> bool:
    return any(marker in q for marker in _ADDRESS_MARKERS) or any(ch.isdigit() for ch in q)


def _search(query: str, limit: int, read: Callable[["_Finder"], list]) -> list:
    """What `read` makes of the candidates for what a clerk typed, in the current jurisdiction."""
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
        if len(q) >= ADDRESS_MIN and _looks_like_address(q):
            finder.address(q)
        elif len(q) >= ADDRESS_MIN:
            found = read(finder)
            if found:
                return found
            finder = _Finder(scope.prefix, limit)  # no name matched: perhaps a piece of an address
            finder.address(q)
    return read(finder)


def search_ids(query: str, limit: int = 50) -> list[int]:
    """Ids of matching persons in the current jurisdiction, best first."""
    return _search(query, limit, _Finder.read_ids)


def search_persons(query: str, limit: int = 50) -> list[Person]:
    """Persons matching what a clerk typed into the one search box, best matches first, each with
    their current household (`person.current_household`).

    One box for: exact name, a fragment of a name (1, 2, 3+ characters), full pinyin ("zhangsan"),
    pinyin initials ("zs"), the full ID number or its last 4+ digits, a phone number or its last 4+
    digits, a fragment of the household address.
    """
    return _search(query, limit, _Finder.read_persons)


def search_households(query: str, limit: int = 20) -> list[Household]:
    """Households for the one-window desks (一门受理, 社会救助受理), found as the registry's search box
    finds people: the household number, or any current member by name, fragment, pinyin, initials,
    ID number or its last 4+ digits, phone — each household once, in the order its members matched."""
    q = re.sub(r"\s+", "", query or "")
    if not q or limit <= 0:
        return []
    ordered: list[int] = list(Household.objects.filter(is_active=True, number=q).values_list("pk", flat=True))
    for person in search_persons(q, limit=limit * 2):
        current = person.current_household
        if current is not None and current.household_id not in ordered:
            ordered.append(current.household_id)
    found = Household.objects.filter(pk__in=ordered[:limit], is_active=True).select_related("head").in_bulk()
    return [found[pk] for pk in ordered[:limit] if pk in found]
