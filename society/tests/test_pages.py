"""The pages as their users see them: each role reaches its pages, exports are .xlsx, the public
village page needs no login and masks personal numbers, and a provider sees only its referrals."""

from datetime import date

import pytest
from django.urls import reverse

from conftest import COUNTY, VILLAGE_A
from society import affairs
from society.models import DisclosureItem
from society.tests.conftest import make_need, make_resource

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    "who, url_name",
    [
        ("clerk_a", "society:organisations"),
        ("clerk_a", "society:overdue_reports"),
        ("worker_a", "society:needs"),
        ("worker_a", "society:need_new"),
        ("clerk_a", "society:offers"),
        ("jigou", "society:referrals"),
        ("shegong", "society:services"),
        ("worker_a", "society:affairs"),
        ("clerk_a", "society:compliance"),
        ("clerk_a", "society:governance"),
    ],
)
def test_each_role_reaches_its_pages_and_exports(client, request, who, url_name):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(url_name))
    assert response.status_code == 200, response.content.decode()[:3000]
    if url_name not in ("society:need_new", "society:referrals", "society:affairs"):
        exported = client.get(reverse(url_name) + "?export=xlsx")
        assert exported["Content-Type"] == XLSX


def test_a_provider_cannot_open_the_organisation_register(client, jigou):
    client.force_login(jigou)
    assert client.get(reverse("society:organisations")).status_code == 403


def test_the_referral_flow_through_the_pages(client, worker_a, jigou, household, charity):
    resource = make_resource(charity, COUNTY, quantity="10000")
    need = make_need(worker_a, household)
    client.force_login(worker_a)
    page = client.get(reverse("society:need", args=[need.pk]))
    assert "匹配得分" in page.content.decode()
    client.post(reverse("society:need", args=[need.pk]), {"action": "refer", "offer": f"resource:{resource.pk}"})
    referral = need.referrals.get()
    client.force_login(jigou)
    url = reverse("society:referral", args=[referral.pk])
    client.post(url, {"action": "accept"})
    client.post(
        url, {"action": "report", "report": "资助5000元", "value": "5000", "used": "5000", "helped_on": "2026-01-20"}
    )
    client.force_login(worker_a)
    client.post(reverse("society:need", args=[need.pk]), {"action": "confirm", "confirmation": "户主确认"})
    need.refresh_from_db()
    assert need.status == "closed"
    together = client.get(reverse("society:household", args=[household.pk])).content.decode()
    assert "新邵县慈善总会" in together and "资助5000元" in together


def test_a_bad_offer_is_a_chinese_message_not_an_error(client, worker_a, household):
    need = make_need(worker_a, household)
    client.force_login(worker_a)
    response = client.post(
        reverse("society:need", args=[need.pk]), {"action": "refer", "offer": "resource:x"}, follow=True
    )
    assert response.status_code == 200
    assert "请从推荐的资源或项目中选择" in response.content.decode()


def test_the_public_village_page_needs_no_login_and_masks_numbers(client, worker_a):
    finance = DisclosureItem.objects.get(code="finance")
    affairs.publish(
        user=worker_a,
        village_code=VILLAGE_A,
        item=finance,
        period_day=date(2026, 1, 1),
        title="1月财务收支",
        body="经手人电话13807390001",
        published_on=date(2026, 2, 5),
    )
    response = client.get(reverse("society:public_village", args=[VILLAGE_A]))
    text = response.content.decode()
    assert response.status_code == 200 and "1月财务收支" in text
    assert "13807390001" not in text
    assert client.get(reverse("society:public_village", args=["abc"])).status_code == 404


def test_a_staff_link_to_nothing_is_told_so(client, township_a):
    from accounts.tests.factories import StaffFactory

    user = StaffFactory(username="jigou_none", unit=township_a, roles=["provider_staff"])
    client.force_login(user)
    response = client.get(reverse("society:referrals"))
    assert response.status_code == 200 and "未关联服务机构" in response.content.decode()


def test_an_attachment_is_public_with_its_publication_and_a_bad_file_is_refused(client, worker_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(worker_a)
    item = DisclosureItem.objects.get(code="finance")
    form = {"village": VILLAGE_A, "item": item.pk, "period_day": "2026-01-05", "title": "1月财务", "body": "收支"}
    refused = client.post(
        reverse("society:affairs"), {**form, "files": SimpleUploadedFile("a.exe", b"MZ")}, follow=True
    )
    assert "附件只能是PDF或图片" in refused.content.decode()
    client.post(reverse("society:affairs"), {**form, "files": SimpleUploadedFile("账目.pdf", b"%PDF-1.4 demo")})
    from society.models import PublicationAttachment

    attachment = PublicationAttachment.objects.get()
    client.logout()
    response = client.get(reverse("society:public_attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 demo"


def test_a_need_of_another_township_is_not_found(client, worker_a, household, clerk_b):
    need = make_need(worker_a, household)
    client.force_login(clerk_b)
    assert client.get(reverse("society:need", args=[need.pk])).status_code == 404
    assert "住院自付费用缺口" not in client.get(reverse("society:needs")).content.decode()
