"""Jurisdiction (属地管理): a user sees their own area and what lies below it, nothing else,
on every path that exists — lists, details, exports, API, background jobs."""

import io

import pytest
from openpyxl import load_workbook

from accounts.models import Unit, User
from accounts.tokens import issue_token
from areas.jurisdiction import JurisdictionNotSet, scope_for_area, within
from jobs.models import Job
from jobs.services import job_function, start_job

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_querying_area_owned_data_without_a_scope_fails_closed(township_a):
    with within(None), pytest.raises(JurisdictionNotSet):  # type: ignore[arg-type]
        list(Unit.objects.all())


def test_township_scope_hides_the_other_township(township_a, township_b):
    with within(scope_for_area(township_a.area_code)):
        assert list(Unit.objects.values_list("name", flat=True)) == ["酿溪镇民政办"]
    with within(scope_for_area("430522000000")):
        assert set(Unit.objects.values_list("name", flat=True)) == {"新邵县民政局", "酿溪镇民政办", "严塘镇民政办"}


def test_village_staff_see_their_village_only(worker_a, clerk_a):
    with within(scope_for_area(worker_a.area_code)):
        assert list(User.in_jurisdiction.values_list("username", flat=True)) == ["worker_a"]


def test_staff_list_and_export_show_only_own_township(client, clerk_a, clerk_b):
    _login(client, clerk_a)
    page = client.get("/accounts/staff/")
    assert "李经办" in page.content.decode()
    assert "王经办" not in page.content.decode()

    export = client.get("/accounts/staff/?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["李经办"]


def test_county_approver_sees_every_township(client, approver, clerk_a, clerk_b):
    _login(client, approver)
    content = client.get("/accounts/staff/").content.decode()
    assert "李经办" in content and "王经办" in content


def test_api_is_scoped_like_the_ui_for_session_and_token(client, clerk_a, clerk_b):
    _login(client, clerk_a)
    usernames = {row["username"] for row in client.get("/api/v1/accounts/staff").json()}
    assert usernames == {"clerk_a"}

    client.logout()
    key = issue_token(clerk_b, "测试")
    response = client.get("/api/v1/accounts/staff", headers={"Authorization": f"Bearer {key}"})
    assert {row["username"] for row in response.json()} == {"clerk_b"}
    assert client.get("/api/v1/accounts/staff", headers={"Authorization": "Bearer wrong"}).status_code == 401


@job_function("test.count_units")
def _count_units(run):
    return {"units": sorted(Unit.objects.values_list("name", flat=True))}


def test_background_job_runs_in_the_starters_jurisdiction(clerk_a, township_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job("test.count_units", "统计单位", user=clerk_a, area_code=clerk_a.area_code)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"units": ["酿溪镇民政办"]}


def test_other_township_gets_404_for_a_job_not_403(client, clerk_a, clerk_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job("test.count_units", "统计单位", user=clerk_a, area_code=clerk_a.area_code)
    _login(client, clerk_b)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    _login(client, clerk_a)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/accounts/staff/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_raw_sql_narrowed_by_the_prefix_of_no_area_reads_nothing(clerk_a):
    """An account with no area (anonymous, staff without a unit) has the scope NOTHING: SQL written
    by hand narrows by its prefix (`LIKE prefix%`) and must then read no row, not every row."""
    from django.db import connection

    from areas.jurisdiction import NOTHING, current_scope, scope_for_user
    from registry.tests.factories import HouseholdFactory

    HouseholdFactory()
    no_unit = User.objects.create(username="no_unit", is_active=True)
    assert scope_for_user(no_unit) == NOTHING
    with within(NOTHING), connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registry_person WHERE area_code LIKE %s", [current_scope().prefix + "%"])
        assert cursor.fetchone()[0] == 0
