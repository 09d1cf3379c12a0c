"""Monitoring's daily work for the scheduler (jobs.periodic)."""

from datetime import date

from monitoring.services import run_monitoring


def refresh_monitoring_daily(day: date) -> dict:
    """动态监测: the monitored population follows the ledger, warning signals are raised from the
    datasets received, and new warnings go to their village's worker."""
    result = run_monitoring(day)
    population = result["population"]
    raised = result["raised"]
    return {
        "新纳入监测": population["added"],
        "退出监测": population["left"],
        "新预警": sum(raised.values()) if isinstance(raised, dict) else raised,
        "已分派": result["assigned"],
    }
