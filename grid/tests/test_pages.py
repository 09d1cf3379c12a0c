"""Every grid page as its users see it: the menu offers each role only what it may use, the pages
answer, a role that may not use a page is refused, and the phone assets are served by the app."""

import uuid

import pytest
from django.urls import reverse

from areas.jurisdiction import scope_for_user, within
from core.navigation import nav_for
from grid import services

pytestmark = pytest.mark.django_db


def menu(user) -> set[str]:
    return {item["label"] for group in nav_for(user) for item in group["items"]}


def test_each_role_is_offered_only_what_it_may_use(grid_worker, minsheng, clerk_a, approver):
    assert {"上报事件"} <= menu(grid_worker) and not {"网格事件", "入户走访", "包户联系人"} & menu(grid_worker)
    assert {"上报事件", "入户走访"} <= menu(minsheng) and "网格事件" not in menu(minsheng)
    assert {"网格事件", "12345工单", "包户联系人"} <= menu(clerk_a) and "上报事件" not in menu(clerk_a)
    assert not {"上报事件", "网格事件", "入户走访"} & menu(approver)


def event_of(user, household):
    with within(scope_for_user(user)):
        return services.report_event(
            user=user, client_id=uuid.uuid4(), category_code="hardship", description="生活困难", household=household
        ).event


@pytest.mark.parametrize(
    ("who", "name", "status"),
    [
        ("grid_worker", "grid:report", 200),
        ("grid_worker", "grid:events", 403),
        ("grid_worker", "grid:outbox", 200),
        ("minsheng", "grid:visits", 200),
        ("minsheng", "grid:visit_new", 200),
        ("minsheng", "grid:contacts", 403),
        ("clerk_a", "grid:events", 200),
        ("clerk_a", "grid:hotline", 200),
        ("clerk_a", "grid:contacts", 200),
        ("clerk_a", "grid:report", 403),
        ("approver", "grid:visits", 403),
    ],
)
def test_pages_answer_their_users_and_refuse_others(client, request, who, name, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code == status


def test_an_event_page_for_its_reporter_and_the_township_not_the_other_township(
    client, grid_worker, clerk_a, clerk_b, household
):
    event = event_of(grid_worker, household)
    url = reverse("grid:event_detail", args=[event.pk])
    client.force_login(grid_worker)
    page = client.get(url).content.decode()
    assert "生活困难" in page and "流转上一级" in page  # while in the grid, the grid handles or hands it up
    client.post(reverse("grid:event_handoff", args=[event.pk]), {"level": "township"})
    page = client.get(url).content.decode()
    assert "转酿溪镇民政办办理" in page and "流转上一级" not in page  # now the reporter follows it
    client.force_login(clerk_a)
    page = client.get(url).content.decode()
    assert "流转上一级" in page and "发起申请" in page and "纳入监测预警" in page
    client.force_login(clerk_b)
    assert client.get(url).status_code == 404


def test_household_search_answers_a_few_masked_rows(client, minsheng, household):
    client.force_login(minsheng)
    name = household.head.name
    rows = client.get(reverse("grid:household_search"), {"q": name}).json()["results"]
    assert rows and rows[0]["household"] == household.pk
    assert name not in rows[0]["label"] and "*" in rows[0]["label"]
    assert client.get(reverse("grid:household_search"), {"q": "王"}).json()["results"] == []


def test_the_service_worker_and_manifest_are_served_by_the_app(client, minsheng):
    response = client.get(reverse("grid:service_worker"))
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/grid/"
    code = response.content.decode()
    assert "/grid/report/" in code and "__PAGES__" not in code
    manifest = client.get(reverse("grid:manifest")).json()
    assert manifest["display"] == "standalone" and manifest["icons"]
    client.force_login(minsheng)
    page = client.get(reverse("home")).content.decode()
    assert 'rel="manifest"' in page and "grid/outbox.js" in page and 'data-testid="nav-toggle"' in page


def test_bulk_contacts_by_village_from_the_page(client, clerk_a, minsheng, household):
    client.force_login(clerk_a)
    page = client.get(reverse("grid:contacts")).content.decode()
    assert "没有联系人的家庭（1户）" in page
    response = client.post(reverse("grid:contacts"), {"area": household.area_code, "worker": minsheng.pk}, follow=True)
    page = response.content.decode()
    assert "新分配1户" in page and "每户都有联系人" in page
    assert "包联1户，" in page  # the township sees each contact's households and overdue visits


def test_a_photo_is_shown_to_who_may_see_its_event_only(client, grid_worker, clerk_a, clerk_b, household):
    with within(scope_for_user(grid_worker)):
        event = services.report_event(
            user=grid_worker,
            client_id=uuid.uuid4(),
            category_code="hardship",
            description="漏雨",
            photos=["data:image/jpeg;base64,/9j/4AAQ"],
        ).event
    photo = event.photos.get()
    url = reverse("grid:photo", args=[photo.pk])
    client.force_login(grid_worker)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\xff\xd8\xff\xe0\x00\x10"
    client.force_login(clerk_a)
    assert client.get(url).status_code == 200
    assert f'src="{url}"' in client.get(reverse("grid:event_detail", args=[event.pk])).content.decode()
    client.force_login(clerk_b)
    assert client.get(url).status_code == 404


def test_the_event_list_exports_to_excel(client, grid_worker, clerk_a, household):
    from io import BytesIO

    from openpyxl import load_workbook

    event_of(grid_worker, household)
    client.force_login(clerk_a)
    response = client.get(reverse("grid:events"), {"state": "all", "export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "类别" and rows[1][0] == "生活困难" and rows[1][-1] == "生活困难"
