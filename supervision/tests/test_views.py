"""The screens, as each role meets them: the auditor samples, checks and signs off; the township
fixes its own findings only; the ranking sheet prints, exports and drills down."""

import pytest
from django.utils import timezone

from core.navigation import nav_for
from supervision.models import Evaluation, Rectification, Sample, SampleItem
from supervision.tests.factories import VILLAGE_A, VILLAGE_B, enrolments

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(township_a, township_b):
    enrolments(VILLAGE_A, "dibao", 12)
    enrolments(VILLAGE_B, "dibao", 12)


def _labels(user):
    return {item["label"] for group in nav_for(user) for item in group["items"]}


def test_menus_offer_each_role_only_what_it_can_use(auditor, clerk_a, client):
    assert {"稽查工作台", "月度考核"} <= _labels(auditor) and "整改任务" not in _labels(auditor)
    assert "整改任务" in _labels(clerk_a) and not {"稽查工作台", "月度考核"} & _labels(clerk_a)
    client.force_login(clerk_a)
    for url in ["/supervision/", "/supervision/samples/new/", "/supervision/evaluations/", "/supervision/opinions/"]:
        assert client.get(url).status_code == 403, url


def test_sample_check_fix_and_sign_off_through_the_pages(client, auditor, clerk_a, clerk_b, population):
    client.force_login(auditor)
    assert client.get("/supervision/samples/new/").status_code == 200
    response = client.post(
        "/supervision/samples/new/",
        {
            "name": "低保抽查",
            "target": "enrolment",
            "townships": ["430522100000", "430522101000"],
            "count": 20,
            "seed": 42,
        },
    )
    sample = Sample.objects.get()
    assert response.status_code == 302 and sample.items.count() == 20
    page = client.get(f"/supervision/samples/{sample.pk}/").content.decode()
    assert "酿溪镇" in page and "严塘镇" in page and "最低生活保障" in page
    assert client.get(f"/supervision/samples/{sample.pk}/?export=xlsx")["Content-Type"].startswith("application/vnd")
    item = sample.items.filter(township_code="430522100000").first()
    answers = {check: "yes" for check in SampleItem.CHECKS}
    client.post(f"/supervision/items/{item.pk}/check/", {**answers, "notice_held": "no", "note": "未张榜公示"})
    rect = Rectification.objects.get()
    assert rect.responsible_unit == clerk_a.unit
    client.force_login(clerk_b)
    assert client.get(f"/supervision/rectifications/{rect.pk}/").status_code == 404  # another township
    assert "未张榜公示" not in client.get("/supervision/rectifications/").content.decode()
    client.force_login(clerk_a)
    assert "未张榜公示" in client.get("/supervision/rectifications/").content.decode()
    client.post(f"/supervision/rectifications/{rect.pk}/", {"action": "fix", "evidence": "已补公示并拍照"})
    rect.refresh_from_db()
    assert rect.state == Rectification.State.SUBMITTED
    assert "sign-off" not in client.get(f"/supervision/rectifications/{rect.pk}/").content.decode()
    client.force_login(auditor)
    assert "已补公示并拍照" in client.get("/supervision/").content.decode()
    client.post(f"/supervision/rectifications/{rect.pk}/", {"action": "sign_off", "note": ""})
    rect.refresh_from_db()
    assert rect.state == Rectification.State.SIGNED_OFF


def test_bad_sample_input_is_a_clear_message_not_an_error(client, auditor, population):
    client.force_login(auditor)
    response = client.post("/supervision/samples/new/", {"name": "x", "target": "enrolment", "seed": 1})
    assert response.status_code == 200 and "二选一" in response.content.decode()
    response = client.post(
        "/supervision/samples/new/",
        {"name": "x", "target": "enrolment", "seed": 1, "count": 3, "programmes": ["orphan"]},
    )
    assert "没有可抽查的记录" in response.content.decode()


def test_the_ranking_sheet_computes_prints_exports_drills_and_publishes(client, auditor, clerk_a, clerk_b):
    client.force_login(auditor)
    month = timezone.localdate().replace(day=1)
    response = client.post("/supervision/evaluations/", {"month": month.strftime("%Y-%m")})
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    page = client.get(f"/supervision/evaluations/{evaluation.pk}/").content.decode()
    assert "酿溪镇民政办" in page and "严塘镇民政办" in page and "环节按时办结率" in page
    assert client.get(f"/supervision/evaluations/{evaluation.pk}/?print=1").status_code == 200
    xlsx = client.get(f"/supervision/evaluations/{evaluation.pk}/?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd")
    result = evaluation.results.get(name="酿溪镇民政办")
    line = result.lines.first()
    assert client.get(f"/supervision/results/{result.pk}/drill/{line.indicator_id}/").status_code == 200
    client.post(
        f"/supervision/evaluations/{evaluation.pk}/",
        {"action": "comment", "result": result.pk, "comment": "按时率较高"},
    )
    client.post(f"/supervision/evaluations/{evaluation.pk}/", {"action": "publish"})
    evaluation.refresh_from_db()
    assert evaluation.state == Evaluation.State.PUBLISHED
    assert "按时率较高" in client.get(f"/supervision/evaluations/{evaluation.pk}/?print=1").content.decode()
    assert client.get(f"/supervision/history/unit/{clerk_a.unit_id}/").status_code == 200


def test_a_month_published_to_the_public_shows_township_ranks_without_comments(client, auditor, clerk_a, clerk_b):
    from supervision import evaluation as service

    month = timezone.localdate().replace(day=1)
    evaluation = service.evaluation_for("430522000000", month)
    service.compute_month(evaluation)
    result = evaluation.results.get(name="酿溪镇民政办")
    service.set_comment(result, "内部讲评")
    assert "酿溪镇民政办" not in client.get("/supervision/public/430522000000/").content.decode()
    service.publish(evaluation, user=auditor, public=True)
    page = client.get("/supervision/public/430522100000/").content.decode()
    assert "酿溪镇民政办" in page and "内部讲评" not in page and "陈稽查" not in page
    assert client.get("/supervision/public/123/").status_code == 404


def test_a_township_reads_its_own_published_results_and_comment_only(client, auditor, clerk_a, clerk_b):
    from supervision import evaluation as service

    evaluation = service.evaluation_for("430522000000", timezone.localdate().replace(day=1))
    service.compute_month(evaluation)
    service.set_comment(evaluation.results.get(name="酿溪镇民政办"), "请加快整改")
    service.set_comment(evaluation.results.get(name="严塘镇民政办"), "按时率偏低")
    client.force_login(clerk_a)
    assert "请加快整改" not in client.get("/supervision/mine/").content.decode()  # not yet published
    service.publish(evaluation, user=auditor)
    page = client.get("/supervision/mine/").content.decode()
    assert "酿溪镇民政办" in page and "请加快整改" in page and "按时率偏低" not in page
    assert "我的考核" in _labels(clerk_a) and "我的考核" not in _labels(auditor)
