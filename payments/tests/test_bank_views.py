"""Bank file pages: one file per bank with its count and total, the check before download (生僻字),
the rows a return could not match shown and exported, and the layout editor's preview."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import StaffFactory
from payments import rolls
from payments.models import BankFile, BankLayout, RollLine
from payments.tests.factories import APRIL, bank_reference, dibao, household
from policy.programmes import Programme

pytestmark = pytest.mark.django_db
COUNTY = "430522000000"


def two_bank_layouts():
    base = BankLayout.objects.get(code="bank-daifa-pipe")
    for code, name, keyword, unit_code in (
        ("rcb", "农商行代发", "农村商业", "RCB0001"),
        ("psbc", "邮储银行代发", "邮政", "PSBC77"),
    ):
        base.pk, base.code, base.name = None, code, name
        base.bank_keywords, base.unit_code = [keyword], unit_code
        base.summary_template = "1|1|{date}|{unit_code}|1|1|{count}|{total}|"
        base.save()


@pytest.fixture
def two_banks_roll(clerk_a, approver):
    two_bank_layouts()
    for name, amount, bank in (("张三", "810.00", None), ("李四", "500.00", None), ("王芳", "300.00", "邮政储蓄银行")):
        h = household(name=name)
        if bank:
            h.bank_name = bank
            h.save()
        dibao(h, amount)
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code=COUNTY, user=clerk_a)
    return rolls.approve_roll(roll, user=approver)


def download(client, roll, code, pay_date="2025-04-15"):
    url = reverse("payments:roll_bank_file", args=[roll.pk])
    response = client.post(url, {"layout": code, "pay_date": pay_date})
    assert response.status_code == 200, response.content.decode()[:500]
    return response, b"".join(response.streaming_content)


def test_two_banks_get_two_files_each_with_its_own_count_total_and_unit_code(client, two_banks_roll, approver):
    client.force_login(approver)
    page = client.get(reverse("payments:roll_detail", args=[two_banks_roll.pk])).content.decode()
    assert "农村商业银行" in page and "邮政储蓄银行" in page and "农商行代发" in page
    check = client.get(reverse("payments:roll_bank_file", args=[two_banks_roll.pk]) + "?layout=rcb").content.decode()
    assert "2笔" in check and "1310.00元" in check and "RCB0001" in check
    url = reverse("payments:roll_bank_file", args=[two_banks_roll.pk])
    again = client.post(url, {"layout": "rcb", "pay_date": "2025-04-20", "recheck": "1"}).content.decode()
    assert "1|1|20250420|RCB0001|1|1|2|1310.00|" in again  # checked again with the date chosen
    assert not BankFile.objects.filter(roll=two_banks_roll).exists()
    response, rcb = download(client, two_banks_roll, "rcb")
    assert response["X-Bank-File-Count"] == "2"
    assert rcb.decode("gbk").split("\r\n")[0] == "1|1|20250415|RCB0001|1|1|2|1310.00|"
    _, psbc = download(client, two_banks_roll, "psbc", "2025-04-16")
    assert psbc.decode("gbk").split("\r\n")[0] == "1|1|20250416|PSBC77|1|1|1|300.00|"
    files = {f.layout.code: (f.line_count, f.total_fen) for f in BankFile.objects.filter(roll=two_banks_roll)}
    assert files == {"rcb": (2, 131000), "psbc": (1, 30000)}
    roster = client.get(reverse("payments:roll_bank_file", args=[two_banks_roll.pk]) + "?layout=yikatong-xlsx")
    assert "没有可写入本版式的明细" in roster.content.decode()  # every line is paid by one file only


def test_the_check_before_download_names_the_lines_the_encoding_cannot_carry(client, clerk_a, approver):
    dibao(household(name="张三"), "810.00")
    dibao(household(name="王䶮"), "500.00")
    roll = rolls.approve_roll(
        rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code=COUNTY, user=clerk_a), user=approver
    )
    client.force_login(approver)
    page = client.get(reverse("payments:roll_bank_file", args=[roll.pk]) + "?layout=bank-daifa-pipe")
    text = page.content.decode()
    assert "王䶮" in text and "含GBK无法编码的生僻字" in text and "1笔" in text
    assert not RollLine.objects.filter(roll=roll, status="held").exists()  # nothing changed by looking
    _, data = download(client, roll, "bank-daifa-pipe")
    assert "王" not in data.decode("gbk")
    line = RollLine.objects.get(roll=roll, payee_name="王䶮")
    assert (line.status, line.hold_reason, line.in_bank_file) == ("held", "manual_name", False)


def test_rows_a_return_cannot_match_are_shown_and_exported(client, two_banks_roll, approver):
    client.force_login(approver)
    download(client, two_banks_roll, "rcb")
    one, two = RollLine.objects.filter(roll=two_banks_roll, bank_name__contains="农村商业").order_by("seq")
    data = (
        f"{bank_reference(one)}|{one.payee_name}|{one.amount}|{one.bank_account}|0|成功|\r\n"
        f"{bank_reference(two)}|{two.payee_name}|{two.amount}|{two.bank_account}|E1|户名不符|\r\n"
        "9999990000009|某某|1.00|1|0|成功|\r\n"
    ).encode("gbk")
    upload = io.BytesIO(data)
    upload.name = "hp.txt"
    response = client.post(reverse("payments:roll_return", args=[two_banks_roll.pk]), {"file": upload}, follow=True)
    page = response.content.decode()
    assert "成功 1 笔，失败 1 笔，无法匹配 1 行" in page and "流水号9999990000009不属于本银行文件" in page
    export = client.get(response.redirect_chain[-1][0] + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1] == (3, "9999990000009", "某某", "流水号9999990000009不属于本银行文件")


def test_an_unrecognised_return_is_refused_with_a_message_on_the_page(client, two_banks_roll, approver):
    client.force_login(approver)
    download(client, two_banks_roll, "rcb")
    upload = io.BytesIO("随便什么内容\r\n另一行\r\n".encode("gbk"))
    upload.name = "x.txt"
    response = client.post(reverse("payments:roll_return", args=[two_banks_roll.pk]), {"file": upload}, follow=True)
    assert "无法识别的回盘文件" in response.content.decode()
    assert not RollLine.objects.filter(roll=two_banks_roll).exclude(status="pending").exists()


def layout_post(layout, **changes):
    data = {
        "code": layout.code,
        "name": layout.name,
        "format": layout.format,
        "encoding": layout.encoding,
        "delimiter": layout.delimiter,
        "trailing_delimiter": "on",
        "line_ending": "\r\n",
        "summary": layout.summary,
        "summary_template": layout.summary_template,
        "unit_name": "新邵县民政局",
        "unit_code": "UNIT9",
        "reference_format": "{单位代码}{发放日期}{行号:06d}",
        "return_header_rows": "0",
        "is_active": "on",
        "bank_keywords_text": "农村商业，农商行",
        "columns_text": "业务流水号,流水号\n收款人姓名,户名\n金额,金额\n银行账号,账号\n收款人身份证号,证件号",
        "return_columns_text": "业务流水号,收款人姓名,金额,银行账号,结果代码,结果说明",
        "success_codes_text": "0000,成功",
    }
    return {**data, **changes}


def test_an_administrator_edits_a_layout_with_a_preview_of_the_first_lines(client, county_bureau):
    admin = StaffFactory(username="admin_x", unit=county_bureau, roles=["admin"])
    layout = BankLayout.objects.get(code="bank-daifa-pipe")
    url = reverse("payments:layout_edit", args=[layout.pk])
    client.force_login(admin)
    today = date.today().strftime("%Y%m%d")  # noqa: DTZ011 - the preview's pay date is today's date
    preview = client.post(url, layout_post(layout, preview="1")).content.decode()
    assert f"UNIT9{today}000001|王小明|810.00|" in preview
    layout.refresh_from_db()
    assert layout.unit_code == ""  # a preview saves nothing
    bad = client.post(url, layout_post(layout, reference_format="{名册号}", save="1")).content.decode()
    assert "须含 {行号}" in bad
    client.post(url, layout_post(layout, save="1"))
    layout.refresh_from_db()
    assert (layout.unit_code, layout.bank_keywords, layout.columns[1]) == (
        "UNIT9",
        ["农村商业", "农商行"],
        {"field": "name", "title": "户名"},
    )
    assert layout.reference_format == "{unit_code}{date}{seq:06d}"
    assert layout.return_columns == ["ref", "name", "amount", "account", "result", "message"]
    page = client.get(url).content.decode()
    assert "{单位代码}{发放日期}{行号:06d}" in page and "业务流水号,流水号" in page


def test_only_an_administrator_edits_layouts(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get(reverse("payments:layout_list")).status_code == 403


def test_a_county_rolls_export_is_written_by_the_worker_with_its_total_row(
    client, two_banks_roll, approver, monkeypatch, django_capture_on_commit_callbacks
):
    from jobs import exports
    from jobs.models import Job

    monkeypatch.setattr(exports, "BACKGROUND_ROWS", 2)
    client.force_login(approver)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("payments:roll_detail", args=[two_banks_roll.pk]) + "?export=xlsx")
    job = Job.objects.get(kind=exports.KIND)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk]) and job.status == "succeeded"
    data = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert len(rows) == 5 and rows[-1][0] == "合计" and rows[-1][10] == 1610


def test_a_layout_that_writes_a_unit_code_it_does_not_have_cannot_be_exported(client, two_banks_roll, approver):
    client.force_login(approver)
    url = reverse("payments:roll_bank_file", args=[two_banks_roll.pk]) + "?layout=rcb-daifa-pipe"
    page = client.get(url).content.decode()
    assert "还没有填写" in page and "确认并下载" not in page
    response = client.post(url, {"layout": "rcb-daifa-pipe", "pay_date": "2025-04-15"}, follow=True)
    assert "要写入单位代码，但还没有填写" in response.content.decode()
    assert not BankFile.objects.filter(roll=two_banks_roll).exists()
