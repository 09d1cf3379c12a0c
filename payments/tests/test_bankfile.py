"""Bank files: presets of docs/domain.md §8, byte-identical regeneration, count/total checks, 生僻字."""

import hashlib
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from core.errors import DomainError
from payments import bankfile, rolls
from payments.models import BankFile, BankLayout, RollLine
from payments.tests.factories import APRIL, dibao, household
from policy.programmes import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_roll(clerk_a, approver):
    for name, amount in (("张三", "810.00"), ("李四", "0.29"), ("王芳", "1333.35")):
        dibao(household(name=name), amount)
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code="430522000000", user=clerk_a)
    return rolls.approve_roll(roll, user=approver)


PAY_DAY = date(2025, 4, 10)


def export(roll, code, user=None):
    result = bankfile.write_bank_file(roll, BankLayout.objects.get(code=code), pay_date=PAY_DAY, user=user)
    return result, result.file.read()


def forget_files(roll):
    """As if the roll's files had never been produced: a line belongs to one file only, so comparing
    two layouts over the same lines needs the first one's claim undone."""
    BankFile.objects.filter(roll=roll).delete()


def test_daifa_pipe_file_has_summary_line_gbk_crlf_and_is_byte_identical_when_regenerated(approved_roll):
    result, data = export(approved_roll, "bank-daifa-pipe")
    text = data.decode("gbk")
    lines = text.split("\r\n")
    assert lines[-1] == ""
    summary, *body = lines[:-1]
    assert summary == "1|1|20250410|民政局|1|1|3|2143.64|"  # the pay date, not the approval date
    assert len(body) == 3 and all(line.endswith("|") and line.count("|") == 8 for line in body)
    ref, name, amount, account, unit, id_type, id_number, times, _ = body[0].split("|")
    assert (name, amount, unit, id_type, times, len(id_number)) == ("张三", "810.00", "民政局", "1", "1", 18)
    assert account.startswith("62215800") and ref == f"{approved_roll.pk:06d}0000001"
    again, data2 = export(approved_roll, "bank-daifa-pipe")
    assert data2 == data and again.bank_file.pk == result.bank_file.pk
    assert result.bank_file.sha256 == hashlib.sha256(data).hexdigest()
    assert (result.bank_file.line_count, result.bank_file.total_fen) == (3, 214364)


def test_a_roll_read_in_many_batches_gives_the_same_file_in_roll_order(approved_roll, monkeypatch):
    # Batches are fetched one ahead of the writer: read 1 line at a time, a roll of 3 lines goes
    # through that hand-over three times and must come out in seq order, byte for byte the same.
    _, whole = export(approved_roll, "bank-daifa-pipe")
    monkeypatch.setattr(bankfile, "_BATCH", 1)
    _, batched = export(approved_roll, "bank-daifa-pipe")
    assert batched == whole
    names = [line.split("|")[1] for line in batched.decode("gbk").split("\r\n")[1:-1]]
    assert names == ["张三", "李四", "王芳"]


def test_regeneration_uses_the_layout_as_it_was_at_first_export(approved_roll):
    _, first = export(approved_roll, "bank-daifa-pipe")
    BankLayout.objects.filter(code="bank-daifa-pipe").update(unit_name="改过的单位")
    _, second = export(approved_roll, "bank-daifa-pipe")
    assert first == second


def test_a_file_whose_count_or_total_would_not_match_cannot_be_produced(approved_roll, monkeypatch):
    real = bankfile._batches

    def one_line_lost(lines, snapshot, ctx, limit=None):
        rows = [row for batch in real(lines, snapshot, ctx) for row in batch]
        return iter([rows[1:]])

    monkeypatch.setattr(bankfile, "_batches", one_line_lost)
    with pytest.raises(DomainError) as error:
        export(approved_roll, "bank-daifa-pipe")
    assert error.value.code == "file_mismatch"


def test_unapproved_roll_has_no_bank_file(clerk_a):
    dibao(household())
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code="430522000000", user=clerk_a)
    with pytest.raises(DomainError) as error:
        export(roll, "bank-daifa-pipe")
    assert error.value.code == "not_approved"


@pytest.fixture
def rare_name_roll(clerk_a, approver):
    dibao(household(name="张三"), "810.00")
    dibao(household(name="王䶮"), "500.00")
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code="430522000000", user=clerk_a)
    return rolls.approve_roll(roll, user=approver)


def test_rare_character_names_go_gb18030_where_allowed(rare_name_roll):
    _, data = export(rare_name_roll, "bank-daifa-pipe-gb18030")
    assert b"?" not in data
    text = data.decode("gb18030")
    assert "王䶮" in text and "|2|1310.00|" in text.split("\r\n")[0]
    assert text.split("\r\n")[1].encode("gb18030") == text.split("\r\n")[1].encode("gbk")  # GBK lines unchanged


def test_rare_character_names_are_listed_for_manual_handling_never_written_as_question_marks(rare_name_roll):
    result, data = export(rare_name_roll, "bank-daifa-pipe")
    assert b"?" not in data
    text = data.decode("gbk")
    assert "王" not in text and "|1|810.00|" in text.split("\r\n")[0]
    assert [(m[1], m[2]) for m in result.manual] == [("王䶮", 50000)]
    line = RollLine.objects.get(roll=rare_name_roll, payee_name="王䶮")
    assert (line.status, line.hold_reason) == ("held", "manual_name")
    _, again = export(rare_name_roll, "bank-daifa-pipe")
    assert again == data


def test_yikatong_roster_xlsx_is_byte_identical_and_has_the_roster_columns(approved_roll):
    _, data = export(approved_roll, "yikatong-xlsx")
    _, again = export(approved_roll, "yikatong-xlsx")
    assert data == again
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("排序序号", "户主姓名", "户主身份证号", "收款人姓名") and rows[0][-1] == "备注"
    assert rows[1][0] == "1" and rows[1][15] == 810 and len(rows) == 5
    assert rows[1][14] == 270  # 补贴标准 per person: 810.00 for 3 persons
    assert rows[-1][0] == "合计3笔" and rows[-1][15] == 2143.64


def test_fixed_width_and_csv_layouts(approved_roll):
    _, fixed = export(approved_roll, "fixed-width-demo")
    *body, summary, _ = fixed.split(b"\r\n")
    assert {len(line) for line in body} == {13 + 32 + 30 + 15 + 18}
    assert summary == b"T00000003000000000214364"
    forget_files(approved_roll)
    _, csv_data = export(approved_roll, "yikatong-csv")
    assert csv_data.decode("gb18030").startswith("排序序号,户主姓名")


def test_rare_name_line_paid_at_the_counter_counts_as_paid_and_the_roll_balances(rare_name_roll, clerk_a):
    from datetime import date

    from payments.returns import reconcile, record_counter_payment

    export(rare_name_roll, "bank-daifa-pipe")
    line = RollLine.objects.get(roll=rare_name_roll, payee_name="王䶮")
    with pytest.raises(DomainError) as error:
        record_counter_payment(line, voucher_number=" ", paid_on=date(2025, 4, 20), user=clerk_a)
    assert error.value.code == "voucher_missing"
    payment = record_counter_payment(line, voucher_number="GT-0001", paid_on=date(2025, 4, 20), user=clerk_a)
    line.refresh_from_db()
    assert (line.status, payment.paid_by, payment.voucher_number) == ("paid", clerk_a, "GT-0001")
    (rec,) = reconcile(type(rare_name_roll).objects.filter(pk=rare_name_roll.pk))
    assert rec.balanced and (rec.paid_count, rec.paid_fen, rec.held_count) == (1, 50000, 0)
    with pytest.raises(DomainError) as error:
        record_counter_payment(line, voucher_number="GT-0002", paid_on=date(2025, 4, 20), user=clerk_a)
    assert error.value.code == "not_manual"
    bank_line = RollLine.objects.get(roll=rare_name_roll, payee_name="张三")
    with pytest.raises(DomainError) as error:
        record_counter_payment(bank_line, voucher_number="GT-0003", paid_on=date(2025, 4, 20), user=clerk_a)
    assert error.value.code == "not_manual"


@pytest.mark.parametrize("batch", [1, 2, 5000])
def test_rare_names_among_others_are_left_out_and_the_rest_keep_roll_order_and_running_numbers(
    clerk_a, approver, monkeypatch, batch
):
    for name in ("张三", "王䶮", "李四", "赵䶮", "王芳"):
        dibao(household(name=name), "100.00")
    roll = rolls.approve_roll(
        rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code="430522000000", user=clerk_a),
        user=approver,
    )
    BankLayout.objects.create(
        code="numbered-pipe", name="带序号", format="delimited", delimiter="|", line_ending="\r\n",
        columns=[{"field": "seq"}, {"field": "name"}, {"field": "amount"}],
    )  # fmt: skip
    monkeypatch.setattr(bankfile, "_BATCH", batch)
    result, data = export(roll, "numbered-pipe")
    assert data.decode("gbk") == "1|张三|100.00\r\n2|李四|100.00\r\n3|王芳|100.00\r\n"
    assert [(m[1], m[3]) for m in result.manual] == [
        ("王䶮", "含GBK无法编码的生僻字"),
        ("赵䶮", "含GBK无法编码的生僻字"),
    ]
    # held for the counter: no later file holds them, whatever layout (here one that could write them)
    with pytest.raises(DomainError) as error:
        export(roll, "bank-daifa-pipe-gb18030")
    assert error.value.code == "nothing_to_export"
    assert set(RollLine.objects.filter(roll=roll, in_bank_file=False).values_list("payee_name", flat=True)) == {
        "王䶮",
        "赵䶮",
    }


def test_lines_the_database_writes_are_the_lines_the_templates_give(approved_roll, monkeypatch):
    every_field = [{"field": name} for name in bankfile.FIELDS if name != "seq"]  # {n} is always Python's
    for code in ("all-fields", "all-fields-again"):
        BankLayout.objects.create(
            code=code, name=code, format="delimited", delimiter="|", trailing_delimiter=True, line_ending="\r\n",
            summary="first", summary_template="{count}|{total}|{date}", columns=every_field, unit_code="U01",
        )  # fmt: skip
    _, in_sql = export(approved_roll, "all-fields")
    forget_files(approved_roll)
    monkeypatch.setattr(bankfile, "_sql_line", lambda snapshot, ctx: None)
    _, in_python = export(approved_roll, "all-fields-again")
    assert in_sql == in_python
    second = in_sql.decode("gbk").split("\r\n")[2]
    assert second.startswith(f"{approved_roll.pk:06d}0000002|李四|0.29|29|")


def test_a_roster_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(clerk_a, approver):
    h = household(name="张三")
    h.bank_name = '=HYPERLINK("http://x","点我")'
    h.save()
    dibao(h, "810.00")
    roll = rolls.approve_roll(
        rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code="430522000000", user=clerk_a),
        user=approver,
    )
    _, data = export(roll, "yikatong-csv")
    assert "'=HYPERLINK" in data.decode("gb18030") and ",810.00," in data.decode("gb18030")
