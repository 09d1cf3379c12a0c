"""Synthetic department batches for the demo county, consistent with `seed_demo`: the rows name real
demo residents (some deaths, cars, businesses, houses, wages and pensions, hospital bills, disaster
losses, tuition, unemployment, disability certificates) plus people from outside the county, so a
sweep of the demo shows real findings. Deterministic for a seed; one CSV per source, loaded
through the ordinary upload path (validation, provenance, sweep)."""

import random
from datetime import date, timedelta

from registry.idcard import make_id_number
from registry.models import Person
from verification.loading import csv_bytes, load_batch, receive_batch, upload_from_bytes
from verification.sources import SOURCES

# source → (share of residents with a row, row builder)
SHARES = {
    "death": 0.006,
    "funeral": 0.004,
    "vehicle": 0.05,
    "business": 0.03,
    "real_estate": 0.08,
    "wage": 0.15,
    "pension": 0.20,
    "medical": 0.02,
    "disaster": 0.01,
    "education": 0.05,
    "social_insurance": 0.03,
    "disability": 0.005,
    "deposit": 0.05,
}


def _row(source: str, person: Person, rng: random.Random, on: date) -> list[list]:
    past = on - timedelta(days=rng.randrange(20, 300))
    name, idn = person.name, person.id_number
    if source in ("death", "funeral"):
        return [[idn, name, past.isoformat()]]
    if source == "vehicle":
        kind = "残疾人专用车" if person.disability_grade else "小型汽车"
        return [[idn, name, f"湘E{rng.randrange(10000, 99999)}", past.isoformat(), kind]]
    if source == "business":
        return [[idn, name, f"91430522MA4L{rng.randrange(100000, 999999)}", past.isoformat(), "存续"]]
    if source == "real_estate":
        return [
            [idn, name, f"湘({past.year})新邵县不动产权第{rng.randrange(1, 99999):07d}号", past.isoformat(), "住宅"]
        ]
    if source == "wage":
        amount = rng.choice([1800, 2500, 3200, 4500, 6000])
        return [[idn, name, f"{on.year}-{m:02d}", str(amount)] for m in range(1, on.month)]
    if source == "pension":
        kind, amount = rng.choice([("城乡居民基本养老保险", 150), ("企业职工基本养老保险", 2600)])
        return [[idn, name, f"{on.year}-{on.month - 1:02d}", str(amount), kind]]
    if source == "medical":
        return [[idn, name, past.isoformat(), str(rng.choice([8000, 26000, 60000, 120000]))]]
    if source == "disaster":
        return [[idn, name, past.isoformat(), str(rng.choice([5000, 15000, 40000])), "洪涝"]]
    if source == "education":
        return [[idn, name, f"{on.year}-09-01", str(rng.choice([3000, 6000, 12000])), "本科"]]
    if source == "social_insurance":
        return [[idn, name, "失业登记", past.isoformat()]]
    if source == "disability":
        return [[idn, name, past.isoformat(), rng.choice(["一级", "二级", "三级"])]]
    if source == "deposit":
        return [[idn, name, on.isoformat(), str(rng.choice([3000, 20000, 150000]))]]
    return []


def generate(county: str, seed: int, on: date) -> dict[str, tuple[list[str], list[list]]]:
    """{source: (header, rows)} for the demo residents of the county."""
    rng = random.Random(seed)
    people = list(Person.unscoped.filter(area_code__startswith=county, life_status="alive").order_by("pk"))
    out = {}
    for source, share in SHARES.items():
        chosen = rng.sample(people, max(1, int(len(people) * share))) if people else []
        if source == "pension":
            chosen = [p for p in people if p.age_on(on) >= 60 and rng.random() < 0.9]
        rows = [row for person in chosen for row in _row(source, person, rng, on)]
        for n in range(len(rows) // 5):  # people outside the county: no match, as in real deliveries
            outsider = make_id_number("430521", date(1960 + n % 40, 1 + n % 12, 1 + n % 28), n % 500, n % 2 == 0)
            rows.append([outsider, "外县居民", *rows[n % len(rows)][2:]])
        out[source] = (_header(source), rows)
    return out


def _header(source: str) -> list[str]:
    names = {
        "death": ["身份证号", "姓名", "死亡日期"],
        "funeral": ["逝者身份证号", "姓名", "火化日期"],
        "vehicle": ["所有人身份证号", "姓名", "号牌号码", "初次登记日期", "车辆类型"],
        "business": ["投资人身份证号", "姓名", "统一社会信用代码", "成立日期", "登记状态"],
        "real_estate": ["权利人身份证号", "姓名", "不动产权证号", "登记日期", "用途"],
        "wage": ["身份证号", "姓名", "所属月份", "应发工资"],
        "pension": ["身份证号", "姓名", "发放月份", "养老金金额", "险种"],
        "medical": ["身份证号", "姓名", "结算日期", "医疗总费用"],
        "disaster": ["户主身份证号", "姓名", "受灾日期", "损失金额", "灾种"],
        "education": ["学生身份证号", "姓名", "学年开始日期", "学费", "学段"],
        "social_insurance": ["身份证号", "姓名", "参保状态", "日期"],
        "disability": ["身份证号", "姓名", "发证日期", "残疾等级"],
        "deposit": ["身份证号", "姓名", "查询日期", "金融资产余额"],
    }
    return names[source]


def load_demo_batches(county: str, seed: int, on: date, user=None) -> list:
    """Write and load one batch per source (ordinary path: validation, provenance)."""
    batches = []
    for source, (header, rows) in generate(county, seed, on).items():
        if not rows:
            continue
        upload = upload_from_bytes(f"演示_{SOURCES[source].name}_{seed}.csv", csv_bytes(header, rows))
        batch = receive_batch(
            user=user,
            source=source,
            upload=upload,
            provider=f"{SOURCES[source].department}（演示数据）",
            data_as_of=on,
            area_code=county + "000000",
            start=False,
        )
        batches.append(load_batch(batch))
    return batches
