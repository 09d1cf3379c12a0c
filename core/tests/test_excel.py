"""Exports never hand Excel a formula: a text that starts like one is written as text."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from core.excel import write_xlsx

ATTACK = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("text", [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_formula_like_text_is_stored_as_text_with_its_characters_intact(text):
    output = write_xlsx(["姓名", "金额"], [[text, 500]])
    sheet = load_workbook(output).active
    # (XML turns a carriage return into a line feed; the rest of the text is kept as typed)
    assert sheet["A2"].value.lstrip() == text.lstrip() and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 500 and sheet["B2"].data_type == "n"  # money stays a number
    output.seek(0)
    xml = zipfile.ZipFile(io.BytesIO(output.read())).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


@pytest.mark.django_db
def test_the_full_registry_export_writes_an_imported_formula_name_as_text(client, clerk_a, township_a):
    from accounts.tests.factories import ensure_area
    from registry.tests.factories import HouseholdFactory, PersonFactory

    ensure_area("430522100201", "城西社区")
    HouseholdFactory(head=PersonFactory(name=ATTACK))
    client.force_login(clerk_a)
    response = client.get("/registry/persons/", {"export": "xlsx", "full": "1"})
    content = b"".join(response.streaming_content)
    names = [row[0].value for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2)]
    assert names == [ATTACK]
    assert "<f>" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
