"""Demo residents for one county: realistic households, names, ID numbers, addresses and documents.

`seed_demo(county, households, seed)` generates everything in Python (deterministic for a seed)
and loads it set-based: PostgreSQL COPY, SQLite executemany in one big transaction. Primary keys
are assigned here so heads, memberships, documents and search grams can reference them. One audit
entry summarises the load (bulk paths bypass the per-row audit signals).

Speed (100,000 households ≈ 320,000 persons in < 30 s on two cores): random draws are table
look-ups on `random()`, ID check digits come from cached partial sums, pinyin from the importer's
per-character cache (PinyinCache), COPY text from one %-format per table, and the cycle collector
is paused in both processes; a second process generates the next chunk while this one loads the previous; for a large
load the non-unique indexes of the five tables are dropped and rebuilt afterwards (a sort is much
cheaper than 320,000 random B-tree inserts into each of a dozen indexes) — inside the transaction.

Demo households are numbered "YS" + village code + id, which is how a later run recognises them;
`replace=True` removes exactly them with their persons, memberships, documents and grams.
Villages and communities must exist first: `manage.py load_areas` then `manage.py load_demo`.
"""

import contextlib
import itertools
import multiprocessing
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from areas import codes
from areas.models import Area
from audit.models import AuditEntry
from audit.services import record
from registry.idcard import CHECK_CHARS, WEIGHTS
from registry.importing.bulk import gc_paused
from registry.importing.names import PinyinCache
from registry.models import Document, Household, Membership, Person, PersonNameGram
from registry.search import ADDRESS_FTS, gram_rows

DEMO_PREFIX = "YS"  # 演示
REF_YEAR = 2025  # ages are counted against this year, so a seed gives the same people every year
CHUNK_HOUSEHOLDS = 10_000
REBUILD_INDEXES_FROM = 60_000  # households: from this size, drop and rebuild indexes around the load

# Surnames with rough frequencies (per mille), a few Hunan ones a bit higher.
_SURNAMES = [
    "王71",
    "李70",
    "张67",
    "刘54",
    "陈53",
    "杨31",
    "黄22",
    "赵20",
    "吴19",
    "周19",
    "徐15",
    "孙15",
    "马13",
    "朱13",
    "胡13",
    "郭12",
    "何12",
    "高11",
    "林11",
    "罗14",
    "郑10",
    "梁9",
    "谢10",
    "宋8",
    "唐10",
    "许7",
    "韩7",
    "冯7",
    "邓9",
    "曹7",
    "彭8",
    "曾8",
    "肖8",
    "田6",
    "董5",
    "袁6",
    "潘5",
    "于5",
    "蒋6",
    "蔡5",
    "余5",
    "杜5",
    "叶4",
    "程4",
    "苏4",
    "魏4",
    "吕4",
    "丁4",
    "任4",
    "沈4",
    "姚4",
    "卢4",
    "姜3",
    "崔3",
    "钟3",
    "谭5",
    "陆3",
    "汪3",
    "范3",
    "金3",
    "石4",
    "廖4",
    "贾3",
    "夏3",
    "韦3",
    "付3",
    "方3",
    "白2",
    "邹3",
    "孟2",
    "熊3",
    "秦2",
    "邱2",
    "江2",
    "尹2",
    "薛2",
    "闫2",
    "段2",
    "雷2",
    "侯2",
    "龙3",
    "史2",
    "陶2",
    "黎2",
    "贺3",
    "顾2",
    "毛2",
    "郝2",
    "龚2",
    "邵2",
    "万2",
    "钱2",
    "严2",
    "覃2",
    "武2",
    "戴2",
    "莫2",
    "孔2",
    "向3",
    "汤2",
    "欧阳1",
    "司马1",
    "诸葛1",
]
SURNAMES = [s.rstrip("0123456789") for s in _SURNAMES]
MALE_CHARS = (
    "伟刚勇毅俊峰强军平东文辉力明永健志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛"
    "昌成康星光天达安岩中茂进林有坚彪博诚先敬震振壮思群豪心邦承绍功松善厚庆磊民友裕河哲江超浩亮政谦奇"
    "翰朗伯宏鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士建家致树炎德时泰盛雄琛钧冠策腾楠航弘"
)
FEMALE_CHARS = (
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡"
    "佳嘉琼勤珍贞莉桂娣叶璐娅琦晶妍茜秋珊莎锦青倩婷婉娴瑾颖露瑶怡婵雁蓓仪荷丹蓉君琴蕊薇菁梦岚婕馨韵园"
    "艺咏卿聪澜纯悦昭冰爽茗羽希欣滢筠柔竹凝晓欢芸菲寒伊亚宜可舒影丽妮宝初晴容睿雯萱彦宇雨洋曼紫逸贤"
)

ILLNESSES = ["恶性肿瘤", "尿毒症", "白血病", "重症精神病", "脑卒中后遗症", "重型再生障碍性贫血", "慢性心力衰竭"]
BANKS = ["中国农业银行新邵县支行", "湖南新邵农村商业银行", "中国邮政储蓄银行新邵县支行", "中国建设银行新邵支行"]
PHONE_PREFIXES = ["138", "139", "158", "159", "137", "136", "135", "150", "151", "152", "187", "188", "177", "180"]
ROADS = ["人民路", "建设路", "解放路", "新华路", "文化路", "和平路", "资江路", "大坪路", "龙山路", "车站路"]

# GB/T 4761 relation codes (registry/relations.py)
HEAD, HUSBAND, WIFE, SON, DAUGHTER = "02", "11", "12", "20", "30"
DAUGHTER_IN_LAW, GRANDSON, GRANDDAUGHTER, FATHER, MOTHER = "28", "41", "43", "51", "52"
UNMARRIED, MARRIED, WIDOWED, DIVORCED = "10", "20", "30", "40"


def _table(weighted: list[tuple[object, int]]) -> list:
    """A look-up table for weighted draws: table[int(random() * len(table))]."""
    return [value for value, weight in weighted for _ in range(weight)]


SURNAME_TABLE = _table([(n, int(s[len(n) :])) for s, n in zip(_SURNAMES, SURNAMES, strict=True)])
KIND_TABLE = _table(
    [
        ("single", 8),
        ("elderly_alone", 10),
        ("elderly_couple", 10),
        ("couple", 7),
        ("nuclear", 40),
        ("three_generations_up", 12),
        ("three_generations_down", 8),
        ("single_parent", 5),
    ]
)
CHILDREN_TABLE = _table([(1, 45), (2, 40), (3, 15)])
ETHNICITY_TABLE = _table([("汉族", 93), ("苗族", 3), ("瑶族", 2), ("土家族", 1), ("侗族", 1)])
DISABILITY_TABLE = _table([(t, w) for t, w in zip("1234567", (12, 18, 3, 45, 8, 10, 4), strict=True)])
GRADE_TABLE = _table([(1, 10), (2, 20), (3, 35), (4, 35)])
URBAN_WORK = _table([("employed", 70), ("unemployed", 8), ("migrant", 12), ("na", 10)])
RURAL_WORK = _table([("farming", 45), ("migrant", 35), ("employed", 15), ("unemployed", 5)])
_EDUCATION = ("none", "primary", "junior", "senior", "college", "bachelor", "postgraduate")
YOUNG_EDUCATION = _table(list(zip(_EDUCATION, (1, 8, 35, 28, 14, 12, 2), strict=True)))
OLD_EDUCATION = _table(list(zip(_EDUCATION, (10, 35, 35, 14, 4, 2, 0), strict=True)))

PERSON_COLUMNS = [
    "id",
    "area_code",
    "id_number",
    "name",
    "name_pinyin",
    "name_initials",
    "sex",
    "birth_date",
    "ethnicity",
    "phone",
    "hukou_area_code",
    "marital_status",
    "disability_type",
    "disability_grade",
    "disability_certificate",
    "serious_illness",
    "labour_capacity",
    "employment",
    "education",
    "life_status",
    "death_date",
    "created_at",
    "updated_at",
]
HOUSEHOLD_COLUMNS = [
    "id",
    "area_code",
    "number",
    "head_id",
    "kind",
    "address",
    "phone",
    "bank_name",
    "bank_account_name",
    "bank_account",
    "is_active",
    "created_at",
    "updated_at",
]
MEMBERSHIP_COLUMNS = [
    "id",
    "area_code",
    "household_id",
    "person_id",
    "relation",
    "start_date",
    "end_date",
    "end_reason",
]
DOCUMENT_COLUMNS = [
    "id",
    "area_code",
    "doc_type_id",
    "person_id",
    "household_id",
    "number",
    "issued_by",
    "valid_from",
    "valid_until",
    "file",
    "content_type",
    "size",
    "note",
    "is_current",
    "uploaded_by_id",
    "uploaded_at",
]
GRAM_COLUMNS = ["gram", "area_code", "person_id"]
# Column positions used while generating
P_ID, P_AREA, P_NUMBER, P_NAME, P_BIRTH, P_PHONE, P_DISABILITY, P_CERTIFICATE = 0, 1, 2, 3, 7, 9, 12, 14


class DemoError(Exception):
    """The demo cannot be generated; the message is for the operator, in Chinese."""


@dataclass
class SeedResult:
    county: str
    households: int = 0
    persons: int = 0
    memberships: int = 0
    documents: int = 0
    grams: int = 0
    seconds: float = 0.0
    skipped: bool = False
    cleared: int = 0
    timings: dict = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.households + self.persons + self.memberships + self.documents + self.grams

    def count(self, tables: "Tables", as_text: bool) -> None:
        def size(rows) -> int:
            return rows.count("\n") if as_text else len(rows)

        self.persons += size(tables.persons)
        self.households += size(tables.households)
        self.memberships += size(tables.memberships)
        self.documents += size(tables.documents)
        self.grams += size(tables.grams)


@dataclass
class Place:
    code: str  # village/community or grid code: the area of the household and its members
    address_prefix: str  # 酿溪镇城西社区
    urban: bool
    weight: int


@dataclass
class Tables:
    persons: list = field(default_factory=list)
    households: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    grams: list = field(default_factory=list)


# --- places --------------------------------------------------------------------------------------


def places_of(county: str) -> list[Place]:
    """Villages/communities (or their grids) of the county, from the area tree."""
    areas = list(
        Area.objects.filter(code__startswith=county, valid_to__isnull=True, level__in=[codes.VILLAGE, codes.GRID])
        .order_by("code")
        .values_list("code", "name", "level")
    )
    townships = dict(Area.objects.filter(code__startswith=county, level=codes.TOWNSHIP).values_list("code", "name"))
    grids: dict[str, list[str]] = {}
    for code, _name, level in areas:
        if level == codes.GRID:
            grids.setdefault(code[:12], []).append(code)
    places = []
    for code, name, level in areas:
        if level != codes.VILLAGE:
            continue
        urban = code[9:12] < "200"  # 001–199 communities (社区, urban), 200+ villages (村, rural)
        for area_code in grids.get(code, [code]):
            places.append(Place(area_code, f"{townships.get(code[:9] + '000', '')}{name}", urban, 3 if urban else 2))
    return places


# --- generation ----------------------------------------------------------------------------------


class Generator:
    """Deterministic: the same county, seed, places and order of calls give the same rows."""

    def __init__(self, county: str, seed: int, places: list[Place], taken_ids: set[str], now: str, null):
        self.county = county
        self.rng = random.Random(f"{county}:{seed}")
        self.place_table = _table([(p, p.weight) for p in places])
        self.taken = taken_ids
        self.now = now
        self.null = null  # None for executemany, "\\N" for COPY text
        self.id_seq: dict[int, int] = {}
        self.pinyin = PinyinCache()
        self.days: dict[int, tuple[str, str, int]] = {}
        self.area_sum = sum(int(d) * w for d, w in zip(county, WEIGHTS[:6], strict=True))
        self.seq_sum = [sum(int(d) * w for d, w in zip(f"{s:03d}", WEIGHTS[14:], strict=True)) for s in range(1000)]
        self.year_start = {y: date(y, 1, 1).toordinal() for y in range(1890, REF_YEAR + 1)}

    # pieces -----------------------------------------------------------------------------------
    def day(self, ordinal: int) -> tuple[str, str, int]:
        """(ISO date, YYYYMMDD, weighted sum of the date digits) of a day."""
        found = self.days.get(ordinal)
        if found is None:
            d = date.fromordinal(ordinal)
            ymd = f"{d:%Y%m%d}"
            found = self.days[ordinal] = (
                d.isoformat(),
                ymd,
                sum(int(c) * w for c, w in zip(ymd, WEIGHTS[6:14], strict=True)),
            )
        return found

    def id_number(self, ordinal: int, male: bool) -> tuple[str, str]:
        """A valid, unused 18-digit number for a birth day; returns (number, ISO birth date)."""
        while True:
            key = ordinal * 2 + male
            seq = self.id_seq.get(key, 0)
            if seq < 500:
                self.id_seq[key] = seq + 1
                iso, ymd, day_sum = self.day(ordinal)
                code = seq * 2 + male
                number = f"{self.county}{ymd}{code:03d}"
                number += CHECK_CHARS[(self.area_sum + day_sum + self.seq_sum[code]) % 11]
                if number not in self.taken:
                    return number, iso
            else:
                ordinal += 1  # that day is full: the next one (no real day has 500 births of one sex)

    def members(self) -> tuple[str, list[tuple[str, bool, int]]]:
        """A household kind and its (relation, male, age) members, head first; every child is born
        at least 21 calendar years after each of its parents."""
        rnd = self.rng.random
        kind = KIND_TABLE[int(rnd() * len(KIND_TABLE))]

        def r(a: int, b: int) -> int:
            return a + int(rnd() * (b - a + 1))

        if kind == "single":
            return kind, [(HEAD, rnd() < 0.6, r(22, 59))]
        if kind == "elderly_alone":
            return kind, [(HEAD, rnd() < 0.35, r(65, 95))]
        if kind in ("elderly_couple", "couple"):
            head = r(62, 90) if kind == "elderly_couple" else r(23, 60)
            return kind, [(HEAD, True, head), (WIFE, False, max(21, head - r(-2, 6)))]
        if kind == "three_generations_down":
            head = r(60, 85)
            wife = head - r(0, 5)
            son = r(22, min(wife, head) - 21)
            in_law = max(21, son - r(-2, 4))
            people = [(HEAD, True, head), (WIFE, False, wife), (SON, True, son), (DAUGHTER_IN_LAW, False, in_law)]
            for _ in range(r(1, 2)):
                male = rnd() < 0.52
                people.append((GRANDSON if male else GRANDDAUGHTER, male, r(0, min(son, in_law) - 21)))
            return kind, people
        # nuclear, three generations up, single parent: a head with children
        head_male = kind != "single_parent" or rnd() < 0.3
        head = r(26, 52)
        people = [(HEAD, head_male, head)]
        youngest = head
        if kind != "single_parent":
            wife = max(21, head - r(-2, 5))
            people.append((WIFE, False, wife))
            youngest = min(head, wife)
        count = 1 if kind == "single_parent" and rnd() < 0.6 else CHILDREN_TABLE[int(rnd() * len(CHILDREN_TABLE))]
        for _ in range(count):
            male = rnd() < 0.52
            people.append((SON if male else DAUGHTER, male, r(0, youngest - 21)))
        if kind == "three_generations_up":
            elder = min(98, head + r(22, 32))
            if rnd() < 0.6:
                people.append((FATHER, True, elder))
            people.append((MOTHER, False, max(head + 21, elder - r(0, 4))))
        return kind, people

    def person(self, pid: int, area: str, relation: str, male: bool, age: int, urban: bool, kind: str) -> tuple:
        rnd = self.rng.random
        null = self.null
        year = REF_YEAR - age
        days = 366 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 365
        number, birth = self.id_number(self.year_start[year] + int(rnd() * days), male)
        surname = SURNAME_TABLE[int(rnd() * len(SURNAME_TABLE))]
        chars = MALE_CHARS if male else FEMALE_CHARS
        name = surname + chars[int(rnd() * len(chars))]
        if rnd() < 0.72:
            name += chars[int(rnd() * len(chars))]
        full, initials = self.pinyin(name)
        if kind in ("single", "elderly_alone", "single_parent"):
            if relation != HEAD:
                marital = UNMARRIED
            elif kind == "single":
                marital = UNMARRIED if rnd() < 0.8 else DIVORCED
            else:
                marital = WIDOWED if rnd() < (0.8 if kind == "elderly_alone" else 0.4) else DIVORCED
        elif relation in (HEAD, WIFE, DAUGHTER_IN_LAW, FATHER, MOTHER) or (relation == SON and age >= 22):
            marital = MARRIED
        else:
            marital = UNMARRIED
        disability, grade, certificate = "", null, ""
        if rnd() < (0.05 if age < 60 else 0.10):
            disability = DISABILITY_TABLE[int(rnd() * len(DISABILITY_TABLE))]
            grade = GRADE_TABLE[int(rnd() * len(GRADE_TABLE))]
            certificate = f"{number}{disability}{grade}"  # 第二代残疾人证号: ID + category + grade
        illness = ILLNESSES[int(rnd() * len(ILLNESSES))] if rnd() < (0.01 if age < 50 else 0.04) else ""
        if age < 16 or age >= 70 or (disability and grade <= 2):
            labour = "none"
        elif age >= 60 or disability or illness:
            labour = "partial"
        else:
            labour = "full"
        if age < 6:
            employment, education = "na", "none"
        elif age < 19:
            employment = "student"
            education = "primary" if age < 13 else "junior" if age < 16 else "senior"
        else:
            if age < 23 and rnd() < 0.5:
                employment = "student"
            elif age >= 75:
                employment = "na"
            elif age >= 60:
                employment = "retired" if urban else "farming"
            else:
                table = URBAN_WORK if urban else RURAL_WORK
                employment = table[int(rnd() * len(table))]
            table = YOUNG_EDUCATION if age < 45 else OLD_EDUCATION
            education = table[int(rnd() * len(table))]
        phone = ""
        if 16 <= age <= 80 and rnd() < 0.85:
            phone = PHONE_PREFIXES[int(rnd() * len(PHONE_PREFIXES))] + str(100_000_000 + int(rnd() * 100_000_000))[1:]
        ethnicity = ETHNICITY_TABLE[int(rnd() * len(ETHNICITY_TABLE))]
        return (
            pid,
            area,
            number,
            name,
            full,
            initials,
            "M" if male else "F",
            birth,
            ethnicity,
            phone,
            area,
            marital,
            disability,
            grade,
            certificate,
            illness,
            labour,
            employment,
            education,
            "alive",
            null,
            self.now,
            self.now,
        )

    def bank_account(self) -> str:
        rnd = self.rng.random
        digits = "62" + str(10**16 + int(rnd() * 10**16))[1:]
        total = 0  # Luhn check digit, as on a real card
        for i, d in enumerate(reversed(digits)):
            n = int(d) * (2 if i % 2 == 0 else 1)
            total += n - 9 if n > 9 else n
        return digits + str((10 - total % 10) % 10)

    def document(self, did: int, area: str, doc_type: str, person_id, household_id, number: str, birth: str = ""):
        null, rnd = self.null, self.rng.random
        valid_from = valid_until = null
        issued_by = "新邵县公安局"
        if doc_type == "id_card":
            age = REF_YEAR - int(birth[:4])
            year = REF_YEAR - 1 - int(rnd() * 5)
            valid_from = f"{year}-{1 + int(rnd() * 12):02d}-{1 + int(rnd() * 28):02d}"
            years = 5 if age < 26 else 10 if age < 46 else 20 if age < 60 else None  # 60+: 长期
            valid_until = f"{year + years}{valid_from[4:]}" if years else null
        elif doc_type == "disability_certificate":
            year = REF_YEAR - 1 - int(rnd() * 8)
            valid_from = f"{year}-{1 + int(rnd() * 12):02d}-{1 + int(rnd() * 28):02d}"
            valid_until = f"{year + 10}{valid_from[4:]}"
            issued_by = "新邵县残疾人联合会"
        elif doc_type == "bank_card":
            issued_by = ""
        return (did, area, doc_type, person_id, household_id, number, issued_by, valid_from, valid_until, "", "", 0)

    # a chunk of households --------------------------------------------------------------------
    def households(self, count: int, ids: dict[str, Iterator[int]]) -> Tables:
        rnd, null, t = self.rng.random, self.null, Tables()
        places = self.place_table
        persons, memberships, documents = t.persons, t.memberships, t.documents
        next_person, next_membership, next_document = ids["person"], ids["membership"], ids["document"]
        doc_tail = ("演示数据", True, null, self.now)
        for _ in range(count):
            place = places[int(rnd() * len(places))]
            kind, members = self.members()
            hid = next(ids["household"])
            area = place.code
            if place.urban:
                address = f"{place.address_prefix}{ROADS[int(rnd() * len(ROADS))]}{1 + int(rnd() * 300)}号"
                if rnd() < 0.5:
                    address += (
                        f"{1 + int(rnd() * 30)}栋{1 + int(rnd() * 6)}单元{1 + int(rnd() * 18)}0{1 + int(rnd() * 4)}室"
                    )
            else:
                address = f"{place.address_prefix}{1 + int(rnd() * 15)}组{1 + int(rnd() * 80)}号"
            formed = f"{REF_YEAR - 1 - int(rnd() * 30)}-{1 + int(rnd() * 12):02d}-{1 + int(rnd() * 28):02d}"
            rows = []
            for relation, male, age in members:
                row = self.person(next(next_person), area, relation, male, age, place.urban, kind)
                rows.append(row)
                start = max(formed, row[P_BIRTH])
                memberships.append((next(next_membership), area, hid, row[P_ID], relation, start, null, ""))
                if row[P_DISABILITY]:  # the certificate is in the library
                    doc = self.document(
                        next(next_document), area, "disability_certificate", row[P_ID], null, row[P_CERTIFICATE]
                    )
                    documents.append(doc + doc_tail)
            persons.extend(rows)
            head = rows[0]
            banked = rnd() < (0.4 if place.urban else 0.6)
            account = self.bank_account() if banked else ""
            t.households.append(
                (
                    hid,
                    area,
                    f"{DEMO_PREFIX}{area[:12]}{hid:07d}",
                    head[P_ID],
                    "urban" if place.urban else "rural",
                    address,
                    head[P_PHONE],
                    BANKS[int(rnd() * len(BANKS))] if banked else "",
                    head[P_NAME] if banked else "",
                    account,
                    True,
                    self.now,
                    self.now,
                )
            )
            if rnd() < 0.2:  # documents collected once for this household (一次采集)
                documents.append(
                    self.document(next(next_document), area, "household_booklet", null, hid, "") + doc_tail
                )
                if banked:
                    documents.append(
                        self.document(next(next_document), area, "bank_card", null, hid, account) + doc_tail
                    )
                for row in rows:
                    if REF_YEAR - int(row[P_BIRTH][:4]) >= 16:
                        doc = self.document(
                            next(next_document), area, "id_card", row[P_ID], null, row[P_NUMBER], row[P_BIRTH]
                        )
                        documents.append(doc + doc_tail)
        t.grams = sorted(gram_rows((p[P_ID], p[P_NAME], p[P_AREA]) for p in persons))
        return t


def _as_copy_text(t: Tables) -> Tables:
    """The rows as PostgreSQL COPY text (done in the generating process): one %-format per table,
    in C. The generated values hold no tab, newline or backslash, so nothing needs escaping."""

    def text(rows):
        if not rows:
            return ""
        line = "\t".join(["%s"] * len(rows[0])) + "\n"
        return (line * len(rows)) % tuple(itertools.chain.from_iterable(rows))

    return Tables(text(t.persons), text(t.households), text(t.memberships), text(t.documents), text(t.grams))


# --- loading -------------------------------------------------------------------------------------

TABLES = [
    (Person, PERSON_COLUMNS, "persons"),
    (Household, HOUSEHOLD_COLUMNS, "households"),
    (Membership, MEMBERSHIP_COLUMNS, "memberships"),
    (Document, DOCUMENT_COLUMNS, "documents"),
    (PersonNameGram, GRAM_COLUMNS, "grams"),
]


def _load(t: Tables, timings: dict) -> None:
    with connection.cursor() as cursor:
        for model, columns, attr in TABLES:
            rows = getattr(t, attr)
            if not rows:
                continue
            started = time.perf_counter()
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(rows)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)  # noqa: S608 - our table and column names
            timings[attr] = timings.get(attr, 0.0) + time.perf_counter() - started


def _indexes() -> list[tuple[str, str]]:
    """(name, CREATE statement) of every index of the five tables that a constraint does not own
    (unique partial indexes included)."""
    tables = [model._meta.db_table for model, _columns, _attr in TABLES]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                [tables],
            )
        else:  # SQLite's own indexes for PRIMARY KEY/UNIQUE have no SQL and stay
            marks = ", ".join(["%s"] * len(tables))
            sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            sql += f"AND tbl_name IN ({marks})"
            cursor.execute(sql, tables)
        return list(cursor.fetchall())


def _constraints() -> list[tuple[str, str, str]]:
    """(table, name, definition) of the foreign keys of the five tables, then of their primary-key
    and unique constraints that no foreign key depends on (PostgreSQL; drop in this order, add back
    in the reverse)."""
    tables = [model._meta.db_table for model, _columns, _attr in TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = ANY(%s) AND (c.contype = 'f' OR "
            "(c.contype IN ('p', 'u') AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid))) "
            "ORDER BY c.contype <> 'f', t.relname, c.conname",
            [tables],
        )
        return list(cursor.fetchall())


def _drop_indexes(indexes: list[tuple[str, str]], constraints: list[tuple[str, str, str]]) -> None:
    with connection.cursor() as cursor:
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')


def _create_indexes(indexes: list[tuple[str, str]], constraints: list[tuple[str, str, str]]) -> None:
    """Rebuild the indexes and the unique constraints (one sort each, which also checks uniqueness
    once), then re-add the foreign keys: one validating join each instead of a trigger per row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, sql in indexes:
            cursor.execute(sql.replace("%", "%%"))
        for table, name, definition in reversed(constraints):
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'.replace("%", "%%"))


def _insert_triggers() -> list[tuple[str, str]]:
    """SQLite: (name, CREATE statement) of the AFTER INSERT triggers on the five tables — the one
    that feeds the address FTS table a row at a time. Around a bulk load the FTS table is rebuilt
    in one pass instead (~10× cheaper for 100,000 households)."""
    tables = [model._meta.db_table for model, _columns, _attr in TABLES]
    marks = ", ".join(["%s"] * len(tables))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks}) "  # noqa: S608
            "AND sql LIKE '%%AFTER INSERT%%'",
            tables,
        )
        return list(cursor.fetchall())


def _drop_triggers(triggers: list[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')


def _restore_triggers(triggers: list[tuple[str, str]]) -> None:
    if not triggers:
        return
    with connection.cursor() as cursor:
        for _name, sql in triggers:
            cursor.execute(sql.replace("%", "%%"))
        cursor.execute(f"INSERT INTO {ADDRESS_FTS}({ADDRESS_FTS}) VALUES ('rebuild')")  # noqa: S608


@contextlib.contextmanager
def _bulk_session():
    """SQLite: a page cache big enough for the unique indexes, so a long transaction does not
    spill pages to the WAL file halfway (the default is 2 MB)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -512000")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _next_ids() -> dict[str, Iterator[int]]:
    def start(model) -> int:
        return (model.unscoped.aggregate(m=Max("id"))["m"] or 0) + 1

    return {
        "person": itertools.count(start(Person)),
        "household": itertools.count(start(Household)),
        "membership": itertools.count(start(Membership)),
        "document": itertools.count(start(Document)),
    }


def _reset_sequences() -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), [Person, Household, Membership, Document])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _chunks(generator: Generator, households: int, chunk: int, ids, as_text: bool) -> Iterator[Tables]:
    """Chunks of `chunk` households, the first one a fifth of that: the loader waits for it idle.
    (The rows do not depend on where the chunks end.)"""
    done = 0
    while done < households:
        size = min(chunk if done else max(1, chunk // 5), households - done)
        tables = generator.households(size, ids)
        done += size
        yield _as_copy_text(tables) if as_text else tables


@gc_paused()
def _produce(queue, generator, households, chunk, ids, as_text) -> None:  # in the child process
    try:
        for tables in _chunks(generator, households, chunk, ids, as_text):
            queue.put(tables)
        queue.put(None)
    except BaseException as exc:  # report, never hang the parent
        queue.put(exc)


def _pipelined(generator: Generator, households: int, chunk: int, ids, as_text: bool) -> Iterator[Tables]:
    """Chunks generated by a forked process while this one loads the previous chunk."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=2)
    process = context.Process(target=_produce, args=(queue, generator, households, chunk, ids, as_text))
    process.start()
    try:
        while True:
            item = queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise DemoError(f"生成演示数据出错：{item!r}")
            yield item
    finally:
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()


# --- the command's work --------------------------------------------------------------------------


def demo_households(county: str):
    return Household.unscoped.filter(number__startswith=f"{DEMO_PREFIX}{county}")


def clear_demo(county: str) -> int:
    """Remove the demo households of a county with their persons, memberships, documents and grams."""
    households = demo_households(county)
    count = households.count()
    household_ids = list(households.values_list("pk", flat=True))
    persons = list(
        Membership.unscoped.filter(household__number__startswith=f"{DEMO_PREFIX}{county}").values_list(
            "person_id", flat=True
        )
    )
    try:
        with transaction.atomic():
            for start in range(0, max(len(persons), len(household_ids)), 5000):
                some_households = household_ids[start : start + 5000]
                some_persons = persons[start : start + 5000]
                Document.unscoped.filter(household_id__in=some_households)._raw_delete(connection.alias)
                Document.unscoped.filter(person_id__in=some_persons)._raw_delete(connection.alias)
                PersonNameGram.objects.filter(person_id__in=some_persons)._raw_delete(connection.alias)
                Membership.unscoped.filter(person_id__in=some_persons)._raw_delete(connection.alias)
                Household.unscoped.filter(pk__in=some_households).update(head=None)
            for start in range(0, len(household_ids), 5000):
                Household.unscoped.filter(pk__in=household_ids[start : start + 5000])._raw_delete(connection.alias)
            for start in range(0, len(persons), 5000):
                Person.unscoped.filter(pk__in=persons[start : start + 5000])._raw_delete(connection.alias)
            if connection.vendor == "postgresql":  # check the deferred foreign keys here, not at commit
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    except IntegrityError as exc:
        raise DemoError(f"演示居民已被其他业务数据（申请、救助等）引用，无法清除：{exc}") from None
    return count


def seed_demo(
    county: str,
    households: int,
    seed: int = 1,
    replace: bool = False,
    chunk: int = CHUNK_HOUSEHOLDS,
    rebuild_indexes: bool | None = None,
) -> SeedResult:
    """Generate and load `households` demo households for the county (6-digit code).

    If the county already has demo households nothing is done (result.skipped) unless `replace`.
    """
    started = time.perf_counter()
    if not (len(county) == 6 and county.isdigit()):
        raise DemoError(f"县级区划代码应为6位数字：{county}")
    result = SeedResult(county=county)
    existing = demo_households(county).count()
    if existing and not replace:
        result.skipped, result.households = True, existing
        return result
    places = places_of(county)
    if not places:
        raise DemoError(f"区划{county}下没有村/社区：请先运行 manage.py load_areas 和 manage.py load_demo")
    postgres = connection.vendor == "postgresql"
    if rebuild_indexes is None:
        rebuild_indexes = households >= REBUILD_INDEXES_FROM
    with transaction.atomic():
        if existing:
            result.cleared = clear_demo(county)
        taken = set(Person.unscoped.filter(id_number__startswith=county).values_list("id_number", flat=True))
        now = timezone.now()
        generator = Generator(
            county,
            seed,
            places,
            taken,
            now=now.isoformat() if postgres else connection.ops.adapt_datetimefield_value(now),
            null="\\N" if postgres else None,
        )
        ids = _next_ids()
        indexes = _indexes() if rebuild_indexes else []
        constraints = _constraints() if rebuild_indexes and postgres else []
        triggers = _insert_triggers() if rebuild_indexes and not postgres else []
        _drop_indexes(indexes, constraints)
        _drop_triggers(triggers)
        chunks = (
            _pipelined(generator, households, chunk, ids, postgres)
            if households > chunk
            else _chunks(generator, households, chunk, ids, postgres)
        )
        with _bulk_session(), gc_paused():
            for tables in chunks:
                _load(tables, result.timings)
                result.count(tables, postgres)
            index_started = time.perf_counter()
            _create_indexes(indexes, constraints)
            _restore_triggers(triggers)
            result.timings["indexes"] = time.perf_counter() - index_started
        _reset_sequences()
        record(
            AuditEntry.Action.IMPORT,
            object_type="registry.person",
            object_repr=f"演示数据 {county} seed={seed}：{result.households}户 {result.persons}人",
            area_code=county + "000000",
            changes={"count": result.persons, "households": result.households, "documents": result.documents},
        )
    result.seconds = time.perf_counter() - started
    return result
