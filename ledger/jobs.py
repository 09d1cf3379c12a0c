"""The daily review job (background task): the review schedule and the review cases it opens."""

from datetime import date

from django.utils import timezone

from jobs.services import job_function
from ledger.reviews import open_due_reviews

KIND = "ledger.open_due_reviews"


@job_function(KIND)
def open_due_reviews_job(run) -> dict:
    on_date = date.fromisoformat(run.params["on_date"]) if run.params.get("on_date") else timezone.localdate()
    return open_due_reviews(on_date, run.params.get("window_days", 30))
