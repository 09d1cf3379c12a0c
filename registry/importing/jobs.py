"""The import job (kind "registry.import"). The Job table is the import history: params hold the
stored upload's path and the mode, result the counts and the error workbook's path.

mode "all": check every row; write only if the whole file is valid, else write nothing and keep the
error workbook for the preview page. mode "valid_only": the user chose, on that page, to import the
households without errors: the file is checked again (the registry may have changed) and only those
households are written.
"""

import uuid

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils import timezone

from jobs.models import Job
from jobs.services import JobRun, job_function, start_job
from registry.importing.checking import check
from registry.importing.reading import UnreadableFile, read_sheet
from registry.importing.report import error_workbook
from registry.importing.writing import write_households

KIND = "registry.import"
MODE_ALL, MODE_VALID_ONLY = "all", "valid_only"
SHOWN_PROBLEMS = 200


def store_upload(upload) -> str:
    """Keep the uploaded file under a random name (never the clerk's file name, which may hold names)."""
    suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else "bin"
    return default_storage.save(f"imports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{suffix}", upload)


def start_import(*, user, stored_path: str, filename: str, mode: str = MODE_ALL, source_job: Job | None = None) -> Job:
    title = f"台账导入：{filename}" if mode == MODE_ALL else f"台账导入（仅无错误的户）：{filename}"
    params = {"path": stored_path, "filename": filename, "mode": mode}
    if source_job is not None:
        params["source_job"] = source_job.pk
    return start_job(KIND, title[:200], user=user, area_code=user.area_code, params=params)


@job_function(KIND)
def run_import(run: JobRun) -> dict:
    params = run.params
    filename = params["filename"]
    mode = params.get("mode", MODE_ALL)
    run.progress(0, 0, "正在读取文件……")
    with default_storage.open(params["path"], "rb") as stored:
        data = stored.read()
    try:
        sheet = read_sheet(data, filename)
    except UnreadableFile as exc:
        run.log(str(exc))
        return {"status": "unreadable", "message": str(exc)}
    run.log(f"表头在第{sheet.header_index + 1}行，格式：{'花名册' if sheet.layout == 'roster' else '台账模板'}")

    def checking(done: int, total: int) -> None:
        run.progress(done, total, f"正在逐行检查（{done}/{total}）……")

    plan = check(sheet, default_area=run.job.area_code, progress=checking)
    counts = plan.counts()
    result = {"layout": sheet.layout, "header_row": sheet.header_index + 1, "notices": plan.notices, **counts}
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

    written = write_households(
        writable, source=filename, job_id=run.job.pk, area_code=run.job.area_code, progress=writing
    )
    run.log(f"已导入{written['households']}户{written['persons']}人")
    result |= {
        "status": "imported",
        "imported_households": written["households"],
        "imported_persons": written["persons"],
        "bulk": written["bulk"],
        "write_seconds": written["seconds"],
    }
    return result
