"""Roll generation as a background job: a county's roll of 300,000 lines takes seconds, longer than
a request should wait. The roll is written in one transaction (it appears whole or not at all), so
the progress shown is the step, not a count of lines."""

from datetime import date

from jobs.models import Job
from jobs.services import JobRun, job_function, start_job
from payments import rolls
from payments.models import yuan
from policy.programmes import Programme

KIND = "payments.generate_roll"


def start_generation(*, programme: str, month: date, area_code: str, user) -> Job:

    title = f"生成发放名册：{Programme(programme).label} {month:%Y年%m月} {area_code}"
    params = {"programme": programme, "month": month.isoformat(), "area_code": area_code}
    return start_job(KIND, title, user=user, area_code=area_code, params=params)


@job_function("payments.generate_roll")
def run_generation(run: JobRun) -> dict:
    params = run.params
    run.progress(0, 1, "正在生成名册：计算明细，检查死亡后发放和重复发放……")
    roll = rolls.generate_roll(
        programme=params["programme"],
        month=date.fromisoformat(params["month"]),
        area_code=params["area_code"],
        user=run.job.created_by,
    )
    run.progress(1, 1, f"已生成名册 {roll.number}：{roll.line_count} 行，应发 {yuan(roll.payable_fen)} 元")
    return {"roll_id": roll.pk, "number": roll.number, "line_count": roll.line_count, "issue_count": roll.issue_count}
