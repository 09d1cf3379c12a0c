"""The pages as each role uses them: who may open what, bad input answered in Chinese (never a
500), every list exported to xlsx."""

import pytest
from django.test import Client

from registry.tests.factories import HouseholdFactory
from relief import stock
from relief.models import LossReport, Material

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_village_worker_reports_from_the_form_and_bad_figures_are_refused(flood, worker_a):
    client = client_for(worker_a)
    url = f"/relief/events/{flood.pk}/report/"
    assert client.get(url).status_code == 200
    base = {"village": worker_a.area_code, "stage": "initial", "affected_people": "10", "relocated_people": "20",
            "needing_aid": "0", "dead_missing": "0", "houses_collapsed": "0", "houses_severely_damaged": "0",
            "houses_damaged": "0", "crops_affected_ha": "0", "crops_lost_ha": "0", "direct_loss": "0"}  # fmt: skip
    refused = client.post(url, base, follow=True)
    assert "不能多于受灾人口" in refused.content.decode()
    assert not LossReport.objects.exists()
    nonsense = client.post(url, {**base, "affected_people": "很多"})
    assert nonsense.status_code == 200 and not LossReport.objects.exists()
    client.post(url, {**base, "relocated_people": "5"})
    assert LossReport.objects.get().relocated_people == 5


def test_the_village_sees_the_county_event_but_not_the_stock(flood, worker_a):
    client = client_for(worker_a)
    assert flood.name in client.get("/relief/").content.decode()
    assert client.get("/relief/stock/").status_code == 403
    assert client.post("/relief/", {"name": "假事件"}).status_code == 403


def _sheet_rows(response) -> list[tuple]:
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_county_summary_and_the_lists_export_to_xlsx(flood, approver, store):
    """Each workbook holds what its page shows: the event's summary with its total line, the stock
    ledger's movements (store, material, quantity, balance, document), the assessments' columns."""
    stock.receive(store=store, material=Material.QUILT, quantity=40, document_reference="调拨单7", user=approver)
    client = client_for(approver)
    summary = _sheet_rows(client.get(f"/relief/events/{flood.pk}/?export=xlsx"))
    assert summary[0][:2] == ("乡镇", "村（社区）") and summary[-1][0] == "合计（已核查上报）"
    ledger = _sheet_rows(client.get("/relief/stock/?export=xlsx"))
    assert ledger[0][1:6] == ("仓库", "物资", "类型", "数量", "结存")
    (movement,) = ledger[1:]
    assert (movement[1], movement[2], movement[4], movement[5], movement[7]) == (
        "县救灾物资储备库",
        "棉被",
        40,
        40,
        "调拨单7",
    )
    assessments = _sheet_rows(client.get(f"/relief/events/{flood.pk}/assessments/?export=xlsx"))
    assert assessments[0][:5] == ("家庭", "救助类别", "人数", "天数", "金额（元）") and len(assessments) == 1


def test_an_issue_with_a_forged_signature_is_refused_in_chinese(clerk_a, approver):
    from relief.models import Store

    store = Store.objects.create(area_code=clerk_a.area_code, name="酿溪镇储备点")
    stock.receive(store=store, material=Material.QUILT, quantity=5, document_reference="调拨单1", user=approver)
    household = HouseholdFactory()
    client = client_for(clerk_a)
    response = client.post(
        "/relief/stock/issue/",
        {"store": store.pk, "household": household.number, "material": "quilt", "quantity": "1",
         "purpose": "救助", "signer_name": "张三", "signature": "data:image/png;base64,!!!"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert "签名格式有误" in response.content.decode()
    assert stock.balances([store])[0]["item"].on_hand == 5


def test_an_unknown_event_or_campaign_is_a_404(approver):
    client = client_for(approver)
    assert client.get("/relief/events/999/").status_code == 404
    assert client.get("/relief/campaigns/999/").status_code == 404
