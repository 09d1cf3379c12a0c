"""The ledger's daily work for the scheduler (jobs.periodic): the review schedule and its cases."""

from datetime import date

from areas.models import Area
from ledger.reviews import open_due_reviews

REVIEW_WINDOW_DAYS = 30  # a review case is opened this many days before the review falls due


def open_due_reviews_daily(day: date) -> dict:
    """到期复核立案: the schedule recomputed from each household's facts, then a review case in the
    township's queue for every recipient due within the window (Measures for 低保 2021 art. 37:
    regular reviews of recipients)."""
    result = open_due_reviews(day, REVIEW_WINDOW_DAYS)
    out = {
        "复核日期有变动": result["scheduled"],
        "30天内到期": result["due_within_window"],
        "新立复核案件": result["opened"],
        "已在复核中": result["already_open"],
    }
    if result["without_clerk"]:
        names = dict(Area.objects.filter(code__in=result["without_clerk"]).values_list("code", "name"))
        out["无经办员账号的乡镇"] = [names.get(code, code) for code in result["without_clerk"]]
    return out
