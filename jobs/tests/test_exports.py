"""A county-wide export runs as a background job with progress and a download link."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jobs import exports
from jobs.models import Job
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_a_list_longer_than_a_request_may_write_is_exported_by_the_worker(
    client, clerk_a, monkeypatch, django_capture_on_commit_callbacks
):
    for _ in range(3):
        HouseholdFactory(area_code="430522100201")
    monkeypatch.setattr(exports, "BACKGROUND_ROWS", 2)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    client.force_login(clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("registry:household_list") + "?export=xlsx")
    job = Job.objects.get(kind=exports.KIND)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.progress_done, job.progress_total) == ("succeeded", 3, 3)
    page = client.get(response["Location"]).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page
    data = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "户编号" and len(rows) == 4


def test_a_short_list_is_downloaded_at_once_and_only_its_starter_downloads_a_job_file(client, clerk_a, clerk_b):
    HouseholdFactory(area_code="430522100201")
    client.force_login(clerk_a)
    response = client.get(reverse("registry:household_list") + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxml")
    job = Job.objects.create(kind=exports.KIND, title="t", created_by=clerk_a, area_code=clerk_a.area_code)
    client.force_login(clerk_b)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code in (403, 404)
