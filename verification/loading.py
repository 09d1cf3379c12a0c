"""Receiving, validating and loading a delivered file (CSV, .xlsx or Parquet).

`receive_batch` records the file with its provenance and queues the load job; `load_batch` reads
the file twice: first to validate every row (nothing is written: one bad row rejects the whole
batch, with every bad row reported), then to load it in one transaction — PostgreSQL COPY, SQLite
executemany in chunks — so memory stays flat whatever the file size.
"""

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import record
from core.csvtext import UnreadableCsv, csv_rows
from core.errors import DomainError
from core.masking import mask_id_number
from registry import idcard
from verification.errors import VerificationCode
from verification.models import Batch, DatasetRow
from verification.sources import AMOUNT, DATE, ID, KIND, NAME, REF, TEXT, Source, get_source

FORMATS = {"csv": "CSV", "xlsx": "Excel", "parquet": "Parquet"}
MAX_ERRORS_KEPT = 500
CHUNK = 20_000
_AMOUNT = re.compile(r"^-?\d{1,12}(\.\d{1,2})?$")
_DATE_PARTS = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$")
ROW_COLUMNS = ["batch_id", "source", "id_number", "name", "kind", "amount", "event_date", "ref", "attrs"]


# --- reading -------------------------------------------------------------------------------------


def file_format(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in FORMATS:
        raise DomainError(
            VerificationCode.UNSUPPORTED_FORMAT, f"不支持的文件格式“{suffix or name}”：请上传 CSV、xlsx 或 Parquet 文件"
        )
    return suffix


def _csv_rows(path: str) -> Iterator[list]:
    with open(path, "rb") as raw:
        head = raw.read(65536)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            encoding = "gb18030"  # 部门导出文件常为 GBK
    with open(path, encoding=encoding, newline="") as handle:
        yield from csv_rows(handle)


def _xlsx_rows(path: str) -> Iterator[list]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _parquet_rows(path: str) -> Iterator[list]:
    import duckdb

    con = duckdb.connect()
    try:
        result = con.execute("SELECT * FROM read_parquet(?)", [path])
        yield [d[0] for d in result.description]
        while chunk := result.fetchmany(10_000):
            for row in chunk:
                yield list(row)
    finally:
        con.close()


def read_rows(path: str, fmt: str) -> Iterator[list]:
    return {"csv": _csv_rows, "xlsx": _xlsx_rows, "parquet": _parquet_rows}[fmt](path)


# --- validating ----------------------------------------------------------------------------------


def _header_map(source: Source, header: list) -> dict[int, object]:
    """Column index → declared column; a missing required column rejects the file."""
    names = [str(h).strip() if h is not None else "" for h in header]
    mapping, missing = {}, []
    for column in source.columns:
        index = next((names.index(h) for h in column.headers if h in names), None)
        if index is None:
            if column.required:
                missing.append(column.header)
            continue
        mapping[index] = column
    if missing:
        raise DomainError(
            VerificationCode.MISSING_COLUMNS,
            f"文件缺少必需的列：{'、'.join(missing)}（{source.name}应包含：{'、'.join(c.header for c in source.columns)}）",
        )
    return mapping


def _find_header(source: Source, rows: Iterator[list]) -> tuple[int, dict]:
    """The header is the first row (of the first 10) naming the ID column; title rows above are skipped."""
    id_headers = set(source.column(ID).headers)
    for number, row in enumerate(rows, start=1):
        if any(str(v).strip() in id_headers for v in row if v is not None):
            return number, _header_map(source, row)
        if number >= 10:
            break
    raise DomainError(
        VerificationCode.NO_HEADER, f"前10行中找不到身份证号列（{'/'.join(sorted(id_headers))}），请检查文件"
    )


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_PARTS.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    return date(year, month, day)


def parse_amount(value) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    text = str(value).strip().replace(",", "")
    if not _AMOUNT.match(text):
        raise ValueError(text)
    return Decimal(text)


def _error(errors: list, line: int, column: str, code: str, message: str) -> None:
    errors.append({"row": line, "column": column, "code": code, "message": message})


def convert_row(source: Source, mapping: dict, row: list, line: int, errors: list) -> tuple | None:
    """(id_number, name, kind, amount, event_date, ref, attrs) or None with errors appended."""
    before = len(errors)
    values = {"name": "", "kind": source.default_kind, "amount": None, "event_date": None, "ref": "", "attrs": {}}
    id_number = ""
    for index, column in mapping.items():
        value = row[index] if index < len(row) else None
        blank = value is None or (isinstance(value, str) and not value.strip())
        if blank:
            if column.required:
                _error(errors, line, column.header, "required", f"“{column.header}”不能为空")
            continue
        try:
            if column.type == ID:
                if isinstance(value, int | float):
                    _error(
                        errors,
                        line,
                        column.header,
                        "id_as_number",
                        "身份证号被存成了数字（末位已丢失），请设为文本后重新导出",
                    )
                    continue
                id_number = idcard.parse(str(value)).number
            elif column.type == AMOUNT:
                values["amount"] = parse_amount(value)
            elif column.type == DATE:
                values["event_date"] = parse_date(value)
            elif column.type == KIND:
                text = str(value).strip()
                values["kind"] = source.kinds.get(text, text)[:20]
            elif column.type == NAME:
                values["name"] = str(value).strip()[:50]
            elif column.type == REF:
                values["ref"] = str(value).strip()[:60]
            elif column.type == TEXT:
                values["attrs"][column.key] = str(value).strip()[:200]
        except idcard.InvalidIdNumber as exc:
            shown = mask_id_number(str(value))
            reason = str(exc).replace(str(value).strip(), shown)
            _error(errors, line, column.header, "bad_id", f"身份证号{shown}不正确：{reason}")
        except (ValueError, InvalidOperation):
            kind = "金额" if column.type == AMOUNT else "日期"
            _error(errors, line, column.header, f"bad_{column.type}", f"“{column.header}”不是有效的{kind}：{value}")
    if len(errors) > before:
        return None
    return (
        id_number,
        values["name"],
        values["kind"],
        values["amount"],
        values["event_date"],
        values["ref"],
        values["attrs"],
    )


def _data_rows(source: Source, path: str, fmt: str) -> Iterator[tuple[int, dict, list]]:
    rows = read_rows(path, fmt)
    header_line, mapping = _find_header(source, rows)
    for line, row in enumerate(rows, start=header_line + 1):
        if not any(v is not None and str(v).strip() for v in row):
            continue
        if str(row[0] or "").strip() in {"合计", "总计"}:
            continue
        yield line, mapping, row


def validate(source: Source, path: str, fmt: str, progress=None) -> tuple[int, int, list]:
    """Pass 1: (rows, bad rows, first errors). Nothing is written."""
    errors: list = []
    count = bad = 0
    for line, mapping, row in _data_rows(source, path, fmt):
        count += 1
        row_errors: list = []
        if convert_row(source, mapping, row, line, row_errors) is None:
            bad += 1
            if len(errors) < MAX_ERRORS_KEPT:
                errors.extend(row_errors[: MAX_ERRORS_KEPT - len(errors)])
        if progress and count % CHUNK == 0:
            progress(count, f"已校验{count}行")
    return count, bad, errors


# --- loading -------------------------------------------------------------------------------------


def _tsv(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _write(rows: list[tuple]) -> None:
    table = DatasetRow._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(ROW_COLUMNS)}) FROM STDIN") as copy:
                copy.write("".join("\t".join(map(_tsv, row)) + "\n" for row in rows))
        else:
            sql = f"INSERT INTO {table} ({', '.join(ROW_COLUMNS)}) VALUES ({', '.join(['%s'] * len(ROW_COLUMNS))})"  # noqa: S608
            cursor.executemany(sql, [(*row[:8], json.dumps(row[8], ensure_ascii=False)) for row in rows])


def load_rows(batch: Batch, source: Source, path: str, fmt: str, progress=None) -> int:
    """Pass 2 (the file is known to be clean): load every row in one transaction, in chunks."""
    done = 0
    chunk: list[tuple] = []
    with transaction.atomic():
        for line, mapping, row in _data_rows(source, path, fmt):
            converted = convert_row(source, mapping, row, line, [])
            if converted is None:  # the file changed between the passes
                raise DomainError(VerificationCode.CHANGED, "文件在校验后发生变化，已放弃入库")
            chunk.append((batch.pk, batch.source, *converted))
            if len(chunk) >= CHUNK:
                _write(chunk)
                done += len(chunk)
                chunk = []
                if progress:
                    progress(done, f"已入库{done}行")
        if chunk:
            _write(chunk)
            done += len(chunk)
        if not Batch.unscoped.filter(pk=batch.pk, status=Batch.Status.VALIDATING).update(
            status=Batch.Status.LOADED, row_count=done, loaded_at=timezone.now()
        ):
            raise DomainError(VerificationCode.BATCH_STATE, "该批次已被处理")
    return done


def load_batch(batch: Batch, progress=None) -> Batch:
    """Validate, then load as a whole or reject as a whole."""
    source = get_source(batch.source)
    path = batch.file.path
    try:
        count, bad, errors = validate(source, path, batch.file_format, progress=progress)
    except DomainError as exc:
        count, bad, errors = 0, 1, [{"row": 0, "column": "", "code": exc.code, "message": exc.message}]
    except UnreadableCsv as exc:
        count, bad, errors = 0, 1, [{"row": 0, "column": "", "code": "unreadable", "message": str(exc)}]
    if bad or not count:
        if not count and not errors:
            errors = [{"row": 0, "column": "", "code": "empty", "message": "文件没有数据行"}]
        Batch.unscoped.filter(pk=batch.pk).update(
            status=Batch.Status.REJECTED, row_count=count, error_count=max(bad, 1), errors=errors
        )
        batch.refresh_from_db()
        record(
            AuditEntry.Action.IMPORT,
            obj=batch,
            changes={"result": "rejected", "rows": count, "bad_rows": bad},
        )
        return batch
    load_rows(batch, source, path, batch.file_format, progress=progress)
    batch.refresh_from_db()
    record(AuditEntry.Action.IMPORT, obj=batch, changes={"result": "loaded", "rows": batch.row_count})
    return batch


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for part in upload.chunks():
        digest.update(part)
    upload.seek(0)
    return digest.hexdigest()


def receive_batch(
    *, user, source: str, upload, provider: str, data_as_of: date, note: str = "", area_code: str, start: bool = True
) -> Batch:
    """Record a delivered file with its provenance and queue its load (a job with progress)."""
    from jobs.services import start_job

    spec = get_source(source)
    fmt = file_format(upload.name)
    if not (provider or "").strip():
        raise DomainError(VerificationCode.PROVIDER_REQUIRED, "请填写数据提供单位")
    sha = _sha256(upload)
    if Batch.unscoped.filter(source=source, sha256=sha, status=Batch.Status.LOADED).exists():
        raise DomainError(VerificationCode.DUPLICATE_FILE, "同一文件已入库，不能重复上传")
    for _attempt in range(3):
        version = (Batch.unscoped.filter(source=source).aggregate(v=Max("version"))["v"] or 0) + 1
        try:
            with transaction.atomic():
                batch = Batch(
                    source=source,
                    version=version,
                    file_name=upload.name[:200],
                    file_format=fmt,
                    sha256=sha,
                    size=upload.size or 0,
                    provider=provider.strip()[:100],
                    data_as_of=data_as_of,
                    note=note[:200],
                    uploaded_by=user if getattr(user, "pk", None) else None,
                    area_code=area_code,
                )
                batch.file.save(f"{source}_v{version}.{fmt}", upload, save=False)
                batch.save()
                break
        except IntegrityError:
            continue
    else:
        raise DomainError(VerificationCode.BUSY, "同时上传的批次较多，请稍后重试")
    if start:
        job = start_job(
            "verification.load_batch",
            f"{spec.name} 第{version}批 校验入库",
            user=user if getattr(user, "pk", None) else None,
            area_code=area_code,
            params={"batch_id": batch.pk},
        )
        Batch.unscoped.filter(pk=batch.pk).update(job=job)
        batch.job = job
    return batch


def upload_from_bytes(name: str, content: bytes):
    """An in-memory upload (generators, tests, API)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def csv_bytes(header: list[str], rows: list[list], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)
