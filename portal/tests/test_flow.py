"""A resident applies online with two uploaded documents; the township window accepts it (the clock
starts at acceptance); the resident follows the steps and reads the one reply. A resident sees only
their own household: another household's case, document or complaint is a 404."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assistance.procedure import confirm_application, pass_step
from cases.models import Case
from cases.replies import issue_reply
from portal import services
from portal.models import OnlineApplication
from portal.tests.conftest import PHONE

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name="a.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def apply_online(resident_client):
    return resident_client.post(
        "/my/apply/temp_emergency/",
        {
            "reason": "房屋失火，急需生活用品",
            "requested_amount": "1500",
            "doc_type_0": "id_card",
            "file_0": upload(),
            "doc_type_1": "household_booklet",
            "file_1": upload("b.png"),
        },
    )


def test_apply_online_then_accepted_at_the_window(resident_client, client, household, clerk_a, reviewer_a, approver):
    response = apply_online(resident_client)
    assert response.status_code == 302, response.content.decode()[:500]
    application = OnlineApplication.objects.get()
    assert application.window == clerk_a.unit and application.status == "submitted"
    assert sorted(d.doc_type_id for d in application.documents.all()) == ["household_booklet", "id_card"]
    assert not Case.objects.exists()  # nothing runs on a clock before the window accepts
    page = resident_client.get("/my/cases/").content.decode()
    assert "等待窗口受理" in page

    # the documents are in the library: the next application offers them again, and open
    assert "户口" in resident_client.get("/my/documents/").content.decode()
    own = application.documents.first()
    response = resident_client.get(f"/my/documents/{own.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")

    staff = client.__class__()
    staff.force_login(clerk_a)
    assert "临时救助" in staff.get("/my/desk/").content.decode()
    response = staff.post(f"/my/desk/online/{application.pk}/", {"action": "accept"})
    assert response.status_code == 302
    case = Case.objects.get()
    today = timezone.localdate()
    assert case.accepted_by == clerk_a and case.clock_started_on == today and case.accepted_on == today
    assert case.status == Case.Status.IN_PROGRESS
    assert {d.doc_type_id for d in case.documents.all()} == {"id_card"}  # what the item requires

    page = resident_client.get(f"/my/cases/{case.pk}/").content.decode()
    assert case.receipt_no in page and "受理并先行救助" in page

    app = case.assistance
    pass_step(user=clerk_a, application=app, on_date=today)
    pass_step(user=reviewer_a, application=app, on_date=today)
    confirm_application(user=approver, application=app, on_date=today)
    case.refresh_from_db()
    issue_reply(user=clerk_a, case=case, on_date=today)
    page = resident_client.get(f"/my/cases/{case.pk}/").content.decode()
    assert "统一答复" in page and "准予办理" in page


def test_the_window_returns_an_application_with_its_reason(resident_client, client, household, clerk_a):
    apply_online(resident_client)
    application = OnlineApplication.objects.get()
    staff = client.__class__()
    staff.force_login(clerk_a)
    staff.post(f"/my/desk/online/{application.pk}/", {"action": "return", "reason": "请改为申请支出型临时救助"})
    assert "支出型" in resident_client.get("/my/cases/").content.decode()


def test_another_townships_clerk_cannot_accept(resident_client, client, household, clerk_a, clerk_b):
    apply_online(resident_client)
    application = OnlineApplication.objects.get()
    staff = client.__class__()
    staff.force_login(clerk_b)
    assert staff.post(f"/my/desk/online/{application.pk}/", {"action": "accept"}).status_code == 404


def test_another_household_is_404(resident_client, resident, other_household, clerk_a):
    from cases.services import accept_application
    from cases.tests.factories import give_documents, item

    give_documents(other_household, ["id_card"])
    case = accept_application(
        user=clerk_a, item=item("temp_emergency"), household=other_household, on_date=date(2025, 9, 26)
    ).case
    assert resident_client.get(f"/my/cases/{case.pk}/").status_code == 404
    from portal.models import ResidentAccount

    neighbour = ResidentAccount.objects.create(phone="13900000000")
    services.bind(neighbour, name="李四", id_number=other_household.head.id_number)
    complaint = services.file_complaint(
        neighbour, other_household, kind="delay", content="拖延", on_date=date(2025, 9, 26)
    )
    assert resident_client.get(f"/my/complaints/{complaint.pk}/").status_code == 404
    # the neighbour's documents are not offered, and cannot be smuggled into an application
    page = resident_client.get("/my/documents/").content.decode()
    assert "李*" not in page
    doc = other_household.head.documents.get()
    assert resident_client.get(f"/my/documents/{doc.pk}/").status_code == 404
    resident_client.post("/my/apply/temp_emergency/", {"reason": "x", "documents": [doc.pk]})
    assert not OnlineApplication.objects.filter(documents=doc).exists()


def test_the_portal_masks_names(resident_client, household):
    page = resident_client.get("/my/").content.decode()
    assert "王*兰" in page and "王秀兰" not in page and PHONE not in page


def test_county_only_items_are_not_offered_online(resident_client, household, clerk_a):
    page = resident_client.get("/my/catalogue/").content.decode()
    assert "临时救助（急难型）" in page and "/my/apply/marriage/" not in page
    response = resident_client.post("/my/apply/marriage/", {"reason": "结婚登记"})
    assert response.status_code in (400, 404) and not OnlineApplication.objects.exists()
