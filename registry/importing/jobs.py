"""The import job (kind "registry.import"). The Job table is the import history: params hold the
stored upload's path, the mode and the clerk's column mapping, result the counts and the error
workbook's path.

mode "all": check every row; write only if the whole file is valid, else write nothing and keep the
error workbook for the preview page. mode "valid_only": the user chose, on that page, to import the
households without errors: the file is checked again (the registry may have changed) and only those
households are written.

A take-on (存量保障对象导入, params "programme") goes in two steps: mode "takeon_check" checks the
file and shows the summary (households, persons, recipients, monthly total, the file's 合计 row
against its lines) without writing; the clerk's confirmation starts mode "takeon", which checks again
and writes households, persons and enrolments in one transaction — all or nothing.

In every mode a column the platform does not recognise stops the job before checking (status
"needs_mapping"): the clerk maps each column to a field or to 忽略 and the import starts again with
that mapping. No column is dropped silently: every ignored column is listed in the result.
"""

import uuid

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils import timezone

from jobs.models import Job
from jobs.services import JobRun, job_function, start_job
from registry import hooks
from registry.importing.checking import Problem, check
from registry.importing.reading import NeedsMapping, UnreadableFile, describe_columns, read_sheet
from registry.importing.report import error_workbook
from registry.importing.writing import write_households

KIND = "registry.import"
MODE_ALL, MODE_VALID_ONLY = "all", "valid_only"
MODE_TAKEON_CHECK, MODE_TAKEON = "takeon_check", "takeon"
SHOWN_PROBLEMS = 200
TITLES = {
    MODE_ALL: "台账导入",
    MODE_VALID_ONLY: "台账导入（仅无错误的户）",
    MODE_TAKEON_CHECK: "存量保障对象导入（检查）",
    MODE_TAKEON: "存量保障对象导入",
}


def store_upload(upload) -> str:
    """Keep the uploaded file under a random name (never the clerk's file name, which may hold names)."""
    suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else "bin"
    return default_storage.save(f"imports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{suffix}", upload)


def start_import(
    *,
    user,
    stored_path: str,
    filename: str,
    mode: str = MODE_ALL,
    source_job: Job | None = None,
    mapping: dict[str, str] | None = None,
    programme: str = "",
) -> Job:
    title = f"{TITLES[mode]}：{filename}"
    params = {"path": stored_path, "filename": filename, "mode": mode}
    if mapping:
        params["mapping"] = mapping
    if programme:
        params["programme"] = programme
    if source_job is not None:
        params["source_job"] = source_job.pk
    return start_job(KIND, title[:200], user=user, area_code=user.area_code, params=params)


@job_function(KIND)
def run_import(run: JobRun) -> dict:
    params = run.params
    filename = params["filename"]
    mode = params.get("mode", MODE_ALL)
    takeon = mode in (MODE_TAKEON_CHECK, MODE_TAKEON)
    programme = params.get("programme", "")
    run.progress(0, 0, "正在读取文件……")
    with default_storage.open(params["path"], "rb") as stored:
        data = stored.read()
    try:
        sheet = read_sheet(data, filename, params.get("mapping"), strict=True)
    except NeedsMapping as exc:
        run.log(str(exc))
        return {
            "status": "needs_mapping",
            "message": str(exc),
            "header_row": exc.sheet.header_index + 1,
            "columns": describe_columns(exc.sheet),
        }
    except UnreadableFile as exc:
        run.log(str(exc))
        return {"status": "unreadable", "message": str(exc)}
    run.log(f"表头在第{sheet.header_index + 1}行，格式：{'花名册' if sheet.layout == 'roster' else '台账模板'}")

    def checking(done: int, total: int) -> None:
        run.progress(done, total, f"正在逐行检查（{done}/{total}）……")

    plan = check(sheet, default_area=run.job.area_code, progress=checking, takeon=takeon)
    take_on = hooks.take_on() if takeon else None
    if take_on is not None:
        for household, message in take_on.check(plan.good, programme=programme):
            plan.problems.append(Problem(household.rows[0], None, message))
            household.bad = True
        plan.problems.sort(key=lambda p: (p.row, p.column if p.column is not None else -1))
    counts = plan.counts()
    result = {
        "layout": sheet.layout,
        "header_row": sheet.header_index + 1,
        "notices": plan.notices,
        "ignored_columns": sheet.ignored_headers,
        **counts,
    }
    if takeon:
        result["summary"] = plan.summary()
        result["programme"] = programme
    result["problem_list"] = [
        {"row": p.row, "column": sheet.headers[p.column] if p.column is not None else "", "message": p.message}
        for p in plan.problems[:SHOWN_PROBLEMS]
    ]
    if plan.problems:
        with error_workbook(plan) as output:
            result["error_file"] = default_storage.save(
                f"imports/errors/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.xlsx", File(output)
            )
        run.log(f"发现{counts['problems']}处错误，涉及{counts['bad_households']}户")
    if mode == MODE_TAKEON_CHECK:
        result["status"] = "has_errors" if plan.problems else ("ready" if plan.households else "empty")
        result |= {"imported_households": 0, "imported_persons": 0}
        return result
    writable = plan.good if mode == MODE_VALID_ONLY else (plan.households if not plan.problems else [])
    if not writable:
        result |= {
            "status": "has_errors" if plan.problems else "empty",
            "imported_households": 0,
            "imported_persons": 0,
        }
        return result

    def writing(done: int, total: int, message: str) -> None:
        run.progress(done, total, message)

    then = None
    if take_on is not None:
        user, today = run.job.created_by, timezone.localdate()

        def then(plans):
            run.progress(0, 0, "正在写入保障对象……")
            return take_on.write(plans, programme=programme, user=user, on_date=today)

    written = write_households(
        writable, source=filename, job_id=run.job.pk, area_code=run.job.area_code, progress=writing, then=then
    )
    run.log(f"已导入{written['households']}户{written['persons']}人")
    result |= {
        "status": "imported",
        "imported_households": written["households"],
        "imported_persons": written["persons"],
        "imported_enrolments": written.get("enrolments", 0),
        "bulk": written["bulk"],
        "write_seconds": written["seconds"],
    }
    return result
