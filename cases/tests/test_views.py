"""The window pages over HTTP: accept with a missing document, notice, materials, act, queues,
the department's narrow access, public pages."""

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseStep
from cases.tests.factories import give_documents
from registry.models import Document

pytestmark = pytest.mark.django_db

DOCS = ["id_card", "household_booklet", "application_form", "bank_card"]


@pytest.fixture
def logged_in():
    from django.test import Client

    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


def _accept(client, household, code="disability_living"):
    response = client.post(
        reverse("cases:accept"), {"household": household.pk, "item": code, "applicant": household.head_id}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return Case.objects.latest("id")


def test_accept_with_missing_document_then_supply_it(logged_in, worker_a, household):
    give_documents(household, DOCS)
    client = logged_in(worker_a)
    page = client.get(reverse("cases:accept"), {"q": household.head.name})
    assert household.number in page.content.decode()
    page = client.get(reverse("cases:accept"), {"household": household.pk, "item": "disability_living"})
    assert "残疾人证缺少" in page.content.decode()
    case = _accept(client, household)
    assert case.status == Case.Status.MATERIALS
    notice = client.get(reverse("cases:print_notice", args=[case.pk])).content.decode()
    assert "一次性告知书" in notice and "残疾人证缺少" in notice
    assert client.get(reverse("cases:print_receipt", args=[case.pk])).status_code == 200
    client.post(
        reverse("cases:materials", args=[case.pk]),
        {"doc_type": "disability_certificate", "holder": str(household.head_id), "number": "43052219800517001X42"},
    )
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert Document.objects.filter(doc_type="disability_certificate", person=household.head).exists()
    step = case.steps.get(state=CaseStep.State.ACTIVE)
    response = client.post(
        reverse("cases:act", args=[case.pk, step.pk]),
        {"action": "approve", "version": step.row_version, "text": "属实"},
    )
    assert response.status_code == 302
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "乡镇审核" in detail and "剩余" in detail
    # the same (stale) form again: a clear message, no second action
    client.post(reverse("cases:act", args=[case.pk, step.pk]), {"action": "approve", "version": step.row_version})
    messages = [str(m) for m in client.get(reverse("cases:detail", args=[case.pk])).context["messages"]]
    assert any("已由赵民生处理" in m for m in messages)


def test_queues_and_bulk_approval(logged_in, worker_a, clerk_a, household):
    give_documents(household, [*DOCS, "disability_certificate"])
    client = logged_in(worker_a)
    case = _accept(client, household)
    todo = client.get(reverse("cases:queue")).content.decode()
    assert case.receipt_no in todo
    step = case.steps.get(state=CaseStep.State.ACTIVE)
    client.post(reverse("cases:bulk"), {"steps": [f"{step.pk}:{step.row_version}"]})
    assert case.steps.get(pk=step.pk).state == CaseStep.State.DONE
    assert case.receipt_no in client.get(reverse("cases:queue_named", args=["done"])).content.decode()
    clerk = logged_in(clerk_a)
    assert case.receipt_no in clerk.get(reverse("cases:queue")).content.decode()
    export = clerk.get(reverse("cases:queue"), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_department_officer_sees_only_the_transfer(
    logged_in, worker_a, clerk_a, cl_officer, disabled_federation, household
):
    give_documents(household, [*DOCS, "disability_certificate"])
    case = _accept(logged_in(worker_a), household)
    step = case.steps.get(state=CaseStep.State.ACTIVE)
    logged_in(worker_a).post(reverse("cases:act", args=[case.pk, step.pk]), {"action": "approve", "version": 0})
    review = case.steps.get(state=CaseStep.State.ACTIVE)
    clerk = logged_in(clerk_a)
    clerk.post(
        reverse("cases:act", args=[case.pk, review.pk]),
        {
            "action": "transfer",
            "version": review.row_version,
            "to_unit": disabled_federation.pk,
            "text": "请核实残疾等级",
        },
    )
    assert case.receipt_no in clerk.get(reverse("cases:queue_named", args=["transferred"])).content.decode()
    officer = logged_in(cl_officer)
    # never through the case pages, although the county-level department's area covers the village
    assert officer.get(reverse("cases:detail", args=[case.pk])).status_code == 403
    assert officer.get(reverse("cases:queue")).url == reverse("cases:inbox")
    inbox = officer.get(reverse("cases:inbox")).content.decode()
    assert "请核实残疾等级" in inbox
    assert officer.get(reverse("cases:inbox"), {"export": "xlsx"})["Content-Type"].startswith("application/vnd")
    transfer = case.transfers.get()
    page = officer.get(reverse("cases:transfer_detail", args=[transfer.pk])).content.decode()
    assert case.receipt_no in page and household.head.id_number not in page
    officer.post(reverse("cases:transfer_detail", args=[transfer.pk]), {"reply": "肢体二级，属实"})
    transfer.refresh_from_db()
    assert transfer.state == "replied"
    assert "肢体二级" in clerk.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_other_township_gets_404(logged_in, worker_a, clerk_b, household):
    give_documents(household, [*DOCS, "disability_certificate"])
    case = _accept(logged_in(worker_a), household)
    assert logged_in(clerk_b).get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_public_pages_need_no_login(client, worker_a, household):
    page = client.get(reverse("cases:public_catalogue"), {"area": "430522100000"}).content.decode()
    assert "最低生活保障申请" in page and "县级审核确认（10个工作日）" in page
    give_documents(household, [*DOCS, "disability_certificate"])
    client.force_login(worker_a)
    case = _accept(client, household)
    client.logout()
    tail = household.head.id_number[-6:]
    page = client.get(reverse("cases:public_progress"), {"receipt_no": case.receipt_no, "id_tail": tail})
    body = page.content.decode()
    assert "受理审查" in body and str(case.due_on.year) in body
    assert household.head.name not in body  # nothing personal
    wrong = client.get(reverse("cases:public_progress"), {"receipt_no": case.receipt_no, "id_tail": "000000"})
    assert "没有找到办件" in wrong.content.decode()


def test_public_progress_stops_guessing_after_ten_failures(logged_in, worker_a, household):
    from django.core.cache import cache

    cache.clear()
    give_documents(household, [*DOCS, "disability_certificate"])
    case = _accept(logged_in(worker_a), household)
    url, tail = reverse("cases:public_progress"), household.head.id_number[-6:]
    guesser, neighbour = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "203.0.113.8"}
    for guess in range(10):
        page = Client().get(url, {"receipt_no": case.receipt_no, "id_tail": f"{guess:06d}"}, **guesser)
        assert page.status_code == 200 and "没有找到办件" in page.content.decode()
    blocked = Client().get(url, {"receipt_no": case.receipt_no, "id_tail": tail}, **guesser)
    assert blocked.status_code == 429
    assert "查询失败次数过多" in blocked.content.decode() and "受理审查" not in blocked.content.decode()
    other = Client().get(url, {"receipt_no": case.receipt_no, "id_tail": tail}, **neighbour)
    assert other.status_code == 200 and "受理审查" in other.content.decode()
    cache.clear()


def test_api_accept_act_view_queue(logged_in, worker_a, clerk_a, clerk_b, cl_officer, household):
    give_documents(household, [*DOCS, "disability_certificate"])
    client = logged_in(worker_a)
    created = client.post(
        "/api/v1/cases/accept",
        {"item": "disability_living", "household_id": household.pk},
        content_type="application/json",
    ).json()
    assert created["status"] == "in_progress" and created["current_step"]["name"] == "受理审查"
    step = created["current_step"]
    url = f"/api/v1/cases/{created['id']}/steps/{step['id']}/act"
    ok = client.post(url, {"action": "approve", "version": step["version"]}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["current_step"]["name"] == "乡镇审核"
    again = client.post(url, {"action": "approve", "version": step["version"]}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "step_conflict"
    detail = client.get(f"/api/v1/cases/{created['id']}").json()
    assert [s["state"] for s in detail["steps"]] == ["done", "active", "pending"]
    assert (detail["receipt_no"], detail["item"]) == (created["receipt_no"], "困难残疾人生活补贴")
    assert logged_in(clerk_b).get(f"/api/v1/cases/{created['id']}").status_code == 404  # another township
    assert client.get("/api/v1/cases/queue/done").json() == [
        {
            "case_id": created["id"],
            "receipt_no": created["receipt_no"],
            "item": "困难残疾人生活补贴",
            "step_id": step["id"],
            "step": "受理审查",
            "due_on": step["due_on"],
            "version": step["version"] + 1,
            "due_on_provisional": step["due_on_provisional"],  # 暂定 in a year without its holiday notice
        }
    ]
    assert client.get("/api/v1/cases/queue/todo").json() == []  # the next step is the township's
    township_todo = logged_in(clerk_a).get("/api/v1/cases/queue/todo").json()
    assert [(row["receipt_no"], row["step"], row["version"]) for row in township_todo] == [
        (created["receipt_no"], "乡镇审核", 0)
    ]
    assert logged_in(cl_officer).get(f"/api/v1/cases/{created['id']}").status_code == 403


def test_api_act_refuses_a_step_of_another_case(logged_in, worker_a, household):
    give_documents(household, [*DOCS, "disability_certificate"])
    client = logged_in(worker_a)

    def accept(code):
        return client.post(
            "/api/v1/cases/accept",
            {"item": code, "household_id": household.pk},
            content_type="application/json",
        ).json()

    first, second = accept("disability_living"), accept("disability_care")
    step = first["current_step"]
    response = client.post(
        f"/api/v1/cases/{second['id']}/steps/{step['id']}/act",
        {"action": "approve", "version": step["version"]},
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert CaseStep.objects.get(pk=step["id"]).state == CaseStep.State.ACTIVE  # nothing was done


def test_household_360_timeline_shows_its_cases(logged_in, worker_a, household):
    from registry.timeline import timeline_for

    give_documents(household, [*DOCS, "disability_certificate"])
    case = _accept(logged_in(worker_a), household)
    events = [e for e in timeline_for(household) if e.kind == "application"]
    assert events and case.receipt_no in events[0].detail and events[0].title.startswith("申请困难残疾人生活补贴")
