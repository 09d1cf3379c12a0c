"""The cases app's daily work for the scheduler (jobs.periodic): deadlines, 督办 and the calendar."""

from datetime import date

from cases.supervision import recompute_deadlines
from cases.workdays import calendar_warnings


def supervise_overdue_daily(day: date) -> dict:
    """超期督办: lights of every open step, automatic 督办 of overdue steps and late transfers, and
    escalation of those not dealt with in time."""
    result = recompute_deadlines(day)
    lights = result["lights"]
    return {
        "红灯": lights["red"],
        "黄灯": lights["yellow"],
        "新增超期督办": result["raised"],
        "转办超期督办": result["raised_transfers"],
        "升级督办": result["escalated"],
    }


def check_calendar_daily(day: date) -> dict:
    """工作日历检查: a year whose State Council holiday notice is not entered, within the warning
    window, is reported (and shown to administrators on their home page)."""
    warnings = calendar_warnings(day)
    return {"需录入节假日安排": [w.message for w in warnings] or "无"}
