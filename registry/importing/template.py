"""The household-ledger template (家庭户台账导入模板): one row per person, drop-down lists, ID and
account columns formatted as text so Excel cannot turn them into numbers, and a sheet of instructions.
"""

import tempfile

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry.importing.columns import DROPDOWNS, TEMPLATE_COLUMNS
from registry.relations import Relation

TEXT_COLUMNS = {"household_key", "id_number", "phone", "area_code", "bank_account", "disability_certificate"}
TEMPLATE_ROWS = 2000
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

INSTRUCTIONS = [
    "填写说明",
    "1. 每行填一个人；同一户的成员填写相同的“户编号”（如1、2、3……，只在本表内用于分户）。",
    "2. 每户必须有且只有一名成员的“与户主关系”为“户主”；家庭住址、所属村（社区）或区划代码、城乡类别、"
    "开户银行、银行账号填在户主所在行。",
    "3. 身份证号、银行账号已设为文本格式，请直接输入或“选择性粘贴→数值”，不要粘贴成数字，否则末尾会变成000。",
    "4. 性别、出生日期以身份证号为准，性别可不填；填写了则须与身份证号一致。",
    "5. 日期请写成 2025-03-01；2025.3.1、2025/3/1、2025年3月1日 也可识别。",
    "6. 标*的列为必填。导入前系统会逐行检查，有错误时不会写入，可下载错误清单修改后重新导入。",
    "7. 所属村（社区）填名称或在“区划代码”列填12位代码，二者填一即可，须在本辖区内。",
]


def template_workbook(villages: list[str] | None = None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "家庭户台账"
    for position, column in enumerate(TEMPLATE_COLUMNS, 1):
        letter = get_column_letter(position)
        cell = sheet.cell(row=1, column=position, value=f"{column.label}*" if column.required else column.label)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if column.note:
            cell.comment = Comment(column.note, "民政一体化服务平台")
        sheet.column_dimensions[letter].width = column.width
        if column.key in TEXT_COLUMNS:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=position).number_format = "@"
    sheet.freeze_panes = "A2"

    # Lists go on a hidden sheet so long ones (village names, relations) are not limited to 255 characters.
    lists = workbook.create_sheet("代码表")
    dropdowns = dict(DROPDOWNS) | {"relation": [label for _code, label in Relation.choices]}
    if villages:
        dropdowns["village"] = villages
    for list_index, (key, options) in enumerate(dropdowns.items(), 1):
        letter = get_column_letter(list_index)
        lists.cell(row=1, column=list_index, value=key)
        for row, option in enumerate(options, 2):
            lists.cell(row=row, column=list_index, value=option)
        position = next(i for i, c in enumerate(TEMPLATE_COLUMNS, 1) if c.key == key)
        target = get_column_letter(position)
        validation = DataValidation(
            type="list",
            formula1=f"=代码表!${letter}$2:${letter}${len(options) + 1}",
            allow_blank=True,
            showErrorMessage=key != "village",
            errorTitle="输入有误",
            error="请从下拉列表中选择",
        )
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"

    help_sheet = workbook.create_sheet("填写说明")
    help_sheet.column_dimensions["A"].width = 110
    for row, line in enumerate(INSTRUCTIONS, 1):
        help_sheet.cell(row=row, column=1, value=line).font = Font(bold=row == 1)

    output = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 - the response closes it
    workbook.save(output)
    output.seek(0)
    return output
