"""The 医保局's file of medical assistance paid (医疗救助支付明细), imported all or nothing with a column
mapping the clerk confirms. Each settlement becomes a `MedicalPayment` (shown in the household's
history, registry.timeline) and a row of a 医保 department batch (verification, source `medical`), so
the monitoring signal 大额医疗费用 and the sweeps read it like any other department data."""

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from core.errors import DomainError
from medical.errors import MedicalCode
from medical.models import MedicalPayment, PaidImport
from registry.idcard import InvalidIdNumber, normalize, parse
from registry.models import Membership, Person
from verification.loading import file_format, read_rows
from verification.models import Batch, DatasetRow

MAX_ERRORS = 50


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    default: str
    required: bool = True


FIELDS = [
    Field("id_number", "公民身份号码", "公民身份号码"),
    Field("name", "姓名", "姓名", False),
    Field("settlement_no", "结算单号", "结算单号"),
    Field("settled_on", "结算日期", "结算日期"),
    Field("hospital", "医疗机构", "医疗机构名称", False),
    Field("total_cost", "医疗总费用", "医疗费用总额"),
    Field("insurance_paid", "基本医保和大病保险支付", "统筹基金支付", False),
    Field("aid_paid", "医疗救助支付", "医疗救助基金支付"),
    Field("self_paid", "个人自付", "个人负担", False),
]
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def default_mapping() -> dict[str, str]:
    return {f.key: f.default for f in FIELDS}


def _amount(value, label: str) -> Decimal:
    text = str(value if value is not None else "").replace(",", "").strip() or "0"
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(f"{label}“{value}”不是金额") from None
    if amount < 0:
        raise ValueError(f"{label}不能为负数")
    return amount


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE.match(text)
    try:
        if not match:
            raise ValueError
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"结算日期“{value}”无法识别") from None


def _columns(header: list, mapping: dict[str, str]) -> dict[str, int]:
    names = [str(h).strip() if h is not None else "" for h in header]
    index, missing = {}, []
    for f in FIELDS:
        wanted = (mapping.get(f.key) or "").strip()
        if not wanted:
            if f.required:
                missing.append(f.label)
            continue
        if wanted not in names:
            missing.append(f"{f.label}（“{wanted}”）")
            continue
        index[f.key] = names.index(wanted)
    if missing:
        raise DomainError(
            MedicalCode.BAD_MAPPING,
            f"文件中找不到这些列：{'、'.join(missing)}。文件的列有：{'、'.join(n for n in names if n)}",
        )
    return index


def read_paid(path: str, name: str, mapping: dict[str, str], today: date) -> list[dict]:
    """Every row checked; any error refuses the whole file (the errors listed, at most MAX_ERRORS)."""
    rows = read_rows(path, file_format(name))
    header = next(rows, None)
    if not header:
        raise DomainError(MedicalCode.BAD_FILE, "文件是空的")
    index = _columns(header, mapping)
    parsed, errors, seen = [], [], set()
    for line, raw in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in raw):
            continue
        cell = {k: (raw[i] if i < len(raw) else None) for k, i in index.items()}
        try:
            number = normalize(str(cell["id_number"] or "").strip())
            parse(number)
            ref = str(cell["settlement_no"] or "").strip()
            if not ref:
                raise ValueError("结算单号为空")
            if ref in seen:
                raise ValueError(f"结算单号{ref}在文件中重复")
            seen.add(ref)
            settled = _date(cell["settled_on"])
            if settled > today:
                raise ValueError("结算日期晚于今天")
            row = {
                "id_number": number,
                "name": str(cell.get("name") or "").strip(),
                "settlement_no": ref,
                "settled_on": settled,
                "hospital": str(cell.get("hospital") or "").strip()[:100],
                "total_cost": _amount(cell["total_cost"], "医疗总费用"),
                "insurance_paid": _amount(cell.get("insurance_paid"), "医保支付"),
                "aid_paid": _amount(cell["aid_paid"], "医疗救助支付"),
                "self_paid": _amount(cell.get("self_paid"), "个人自付"),
                "line": line,
            }
            if row["aid_paid"] > row["total_cost"]:
                raise ValueError("医疗救助支付大于医疗总费用")
            parsed.append(row)
        except InvalidIdNumber as exc:
            errors.append(f"第{line}行：{exc.args[-1] if exc.args else '身份证号有误'}")
        except ValueError as exc:
            errors.append(f"第{line}行：{exc}")
    if not parsed and not errors:
        raise DomainError(MedicalCode.BAD_FILE, "文件中没有数据行")
    return _resolve(parsed, errors)


def check_records(records: list[dict], today: date, first_line: int = 2) -> list[dict]:
    """The 医保局's settlements as records (the partners' batch kind medical_paid, already checked
    against docs/exchange/v1/medical_paid.schema.json): the same content checks as a file."""
    parsed, errors, seen = [], [], set()
    for line, record in enumerate(records, start=first_line):
        try:
            number = normalize(record["id_number"])
            parse(number)
            ref = record["settlement_no"].strip()
            if ref in seen:
                raise ValueError(f"结算单号{ref}在批次中重复")
            seen.add(ref)
            settled = date.fromisoformat(record["settled_on"])
            if settled > today:
                raise ValueError("结算日期晚于今天")
            row = {
                "id_number": number,
                "name": record.get("name", "").strip(),
                "settlement_no": ref,
                "settled_on": settled,
                "hospital": record.get("hospital", "").strip()[:100],
                "total_cost": Decimal(record["total_cost"]),
                "insurance_paid": Decimal(record.get("insurance_paid") or "0"),
                "aid_paid": Decimal(record["aid_paid"]),
                "self_paid": Decimal(record.get("self_paid") or "0"),
                "line": line,
            }
            if row["aid_paid"] > row["total_cost"]:
                raise ValueError("医疗救助支付大于医疗总费用")
            parsed.append(row)
        except InvalidIdNumber as exc:
            errors.append(f"第{line}行：{exc.args[-1] if exc.args else '身份证号有误'}")
        except ValueError as exc:
            errors.append(f"第{line}行：{exc}")
    return _resolve(parsed, errors)


def _resolve(parsed: list[dict], errors: list[str]) -> list[dict]:
    """The people (in the user's jurisdiction) and their current households, a query per 900 numbers."""
    numbers = sorted({r["id_number"] for r in parsed})
    people, homes = {}, {}
    for start in range(0, len(numbers), 900):
        chunk = numbers[start : start + 900]
        people.update(dict(Person.objects.filter(id_number__in=chunk).values_list("id_number", "pk")))
    ids = list(people.values())
    for start in range(0, len(ids), 900):
        homes.update(
            dict(
                Membership.objects.filter(person_id__in=ids[start : start + 900], end_date__isnull=True).values_list(
                    "person_id", "household_id"
                )
            )
        )
    refs = [r["settlement_no"] for r in parsed]
    known = set()
    for start in range(0, len(refs), 900):
        known |= set(
            MedicalPayment.unscoped.filter(settlement_no__in=refs[start : start + 900]).values_list(
                "settlement_no", flat=True
            )
        )
    for row in parsed:
        if row["id_number"] not in people:
            errors.append(
                f"第{row['line']}行：身份证号{row['id_number'][:6]}…{row['id_number'][-4:]}不在本辖区居民档案中"
            )
        elif row["settlement_no"] in known:
            errors.append(f"第{row['line']}行：结算单号{row['settlement_no']}已导入过")
        else:
            row["person_id"] = people[row["id_number"]]
            row["household_id"] = homes.get(row["person_id"])
    if errors:
        shown = "；".join(errors[:MAX_ERRORS])
        more = f"……共{len(errors)}处错误" if len(errors) > MAX_ERRORS else ""
        raise DomainError(
            MedicalCode.BAD_ROWS, f"文件有错误，整个文件未导入：{shown}{more}", errors=errors[:MAX_ERRORS]
        )
    return parsed


@transaction.atomic
def import_paid(*, content: bytes, name: str, mapping: dict[str, str], user, path: str, today=None) -> PaidImport:
    """All or nothing: the rows, the department batch for monitoring, the import record."""
    today = today or timezone.localdate()
    sha = hashlib.sha256(content).hexdigest()
    if PaidImport.unscoped.filter(sha256=sha).exists():
        raise DomainError(MedicalCode.ALREADY_IMPORTED, "这个文件已经导入过，没有重复导入")
    rows = read_paid(path, name, mapping, today)
    return store_paid(rows, name=name, sha=sha, content=content, area=user.area_code, user=user, mapping=mapping)


def store_paid(rows: list[dict], *, name: str, sha: str, content: bytes, area: str, user, mapping: dict) -> PaidImport:
    """The checked rows (read_paid or check_records): the department batch for monitoring, the
    import record, a MedicalPayment per settlement."""
    batch = Batch.objects.create(
        area_code=area,
        source="medical",
        version=(Batch.unscoped.filter(source="medical").aggregate(v=Max("version"))["v"] or 0) + 1,
        file_name=name[:200],
        file_format=file_format(name),
        sha256=sha,
        size=len(content),
        provider="医保局（医疗救助支付明细）",
        data_as_of=max(r["settled_on"] for r in rows),
        uploaded_by=user,
        status=Batch.Status.LOADED,
        row_count=len(rows),
        loaded_at=timezone.now(),
    )
    batch.file.save(name, ContentFile(content), save=True)
    DatasetRow.objects.bulk_create(
        [
            DatasetRow(
                batch=batch,
                source="medical",
                id_number=r["id_number"],
                name=r["name"][:50],
                kind="bill",
                amount=r["total_cost"],
                event_date=r["settled_on"],
                ref=r["settlement_no"],
                attrs={"self_pay": str(r["self_paid"]), "aid_paid": str(r["aid_paid"]), "hospital": r["hospital"]},
            )
            for r in rows
        ],
        batch_size=2000,
    )
    record = PaidImport.objects.create(
        area_code=area,
        file_name=name[:200],
        sha256=sha,
        mapping=mapping,
        rows=len(rows),
        total_aid=sum((r["aid_paid"] for r in rows), Decimal("0")),
        imported_by=user,
        batch_id=batch.pk,
    )
    people = {p.pk: p.area_code for p in Person.objects.filter(pk__in={r["person_id"] for r in rows}).only("area_code")}
    MedicalPayment.objects.bulk_create(
        [
            MedicalPayment(
                source=record,
                area_code=people[r["person_id"]],
                person_id=r["person_id"],
                household_id=r["household_id"],
                settlement_no=r["settlement_no"],
                settled_on=r["settled_on"],
                hospital=r["hospital"],
                total_cost=r["total_cost"],
                insurance_paid=r["insurance_paid"],
                aid_paid=r["aid_paid"],
                self_paid=r["self_paid"],
            )
            for r in rows
        ],
        batch_size=2000,
    )
    return record


def spending_in_12_months(household_id: int, on: date) -> dict[str, Decimal]:
    """刚性支出 (medical) of a household in the 12 months before `on`, from the bureau's settlements:
    what the family paid itself and what assistance paid (docs/domain.md §4.3, §4.9)."""
    since = date(on.year - 1, on.month, 1)
    totals = MedicalPayment.objects.filter(
        household_id=household_id, settled_on__gte=since, settled_on__lte=on
    ).aggregate(total=Sum("total_cost"), aid=Sum("aid_paid"), self_paid=Sum("self_paid"))
    return {k: v or Decimal("0") for k, v in totals.items()}
