"""Bank files per bank (preview before download, the file again), return details, and the bank
layouts an administrator edits with a preview of the first lines."""

import string
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.roles import Capability
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from core.excel import xlsx_response
from payments import bankfile, rolls
from payments.models import BankFile, BankLayout, BankReturn, PaymentRoll
from payments.returns import Reading


def _can_bank(user) -> bool:
    return rolls.can_prepare(user) and user.can(Capability.UNMASK_PERSONAL_DATA)


class PayDateForm(forms.Form):
    pay_date = forms.DateField(label="发放日期（银行入账日）", widget=forms.DateInput(attrs={"type": "date"}))


def _default_pay_day(roll: PaymentRoll) -> date:
    today = timezone.localdate()
    return today if today >= roll.month else roll.month


def _download(result):
    response = FileResponse(result.file, as_attachment=True, filename=result.filename)
    response["X-Bank-File-Count"] = str(result.bank_file.line_count)
    response["X-Bank-File-Sha256"] = result.bank_file.sha256
    return response


@login_required
def bank_export(request, pk: int):
    """导出银行文件: before the first download, the file's banks, count and total, and the lines
    the chosen encoding cannot carry (held for the counter once the file is produced); a file
    already produced is given again, byte for byte."""
    roll = get_object_or_404(PaymentRoll.objects, pk=pk)
    if not _can_bank(request.user):
        raise PermissionDenied("无权导出银行文件")
    layout = get_object_or_404(BankLayout, code=request.GET.get("layout") or request.POST.get("layout", ""))
    existing = BankFile.objects.filter(roll=roll, layout=layout).first()
    form = PayDateForm(request.POST or None, initial={"pay_date": _default_pay_day(roll)})
    checking = "recheck" in request.POST  # the same check again with the date chosen
    if existing or (request.method == "POST" and form.is_valid() and not checking):
        pay_date = None if existing else form.cleaned_data["pay_date"]
        try:
            return _download(bankfile.write_bank_file(roll, layout, pay_date=pay_date, user=request.user))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("payments:roll_detail", roll.pk)
    if roll.status != PaymentRoll.Status.APPROVED:
        messages.error(request, "名册审批后才能导出银行文件")
        return redirect("payments:roll_detail", roll.pk)
    pay_date = form.cleaned_data["pay_date"] if form.is_bound and form.is_valid() else _default_pay_day(roll)
    preview = bankfile.preview_bank_file(roll, layout, pay_date=pay_date)
    context = {
        "roll": roll,
        "layout": layout,
        "preview": preview,
        "form": form,
        "unit_code_missing": bankfile.uses_unit_code(bankfile.snapshot_of(layout)) and not layout.unit_code,
    }
    return render(request, "payments/bank_export.html", context)


@login_required
def return_detail(request, pk: int, return_pk: int):
    """A return's outcome, and every row that matched no line, with its reason (and as .xlsx)."""
    roll = get_object_or_404(PaymentRoll.objects, pk=pk)
    if not rolls.can_prepare(request.user):
        raise PermissionDenied("无权查看回盘")
    bank_return = get_object_or_404(BankReturn.objects.select_related("bank_file__layout"), pk=return_pk, roll=roll)
    headers = ["回盘文件行号", "流水号", "姓名", "原因"]
    rows = [[r["row"], r["ref"], r.get("name", ""), r["reason"]] for r in bank_return.rejected_rows]
    if request.GET.get("export") == "xlsx":
        record(AuditEntry.Action.EXPORT, obj=roll, changes={"return_rejected": bank_return.pk})
        return xlsx_response(f"回盘无法匹配的行{roll.number}", headers, rows, "无法匹配")
    context = {
        "roll": roll,
        "ret": bank_return,
        "rows": rows[:2000],
        "headers": headers,
        "reading": Reading(bank_return.reading).label if bank_return.reading else "",
    }
    return render(request, "payments/return_detail.html", context)


# --- layouts ---------------------------------------------------------------------------------


def _require_layouts(user) -> None:
    if not user.can(Capability.MANAGE_BANK_LAYOUTS):
        raise PermissionDenied("无权维护银行文件版式")


LINE_ENDINGS = [("\r\n", "回车加换行（多数银行）"), ("\n", "仅换行")]
ALIGN = {"左": "l", "右": "r", "l": "l", "r": "r", "": ""}
# the administrator names fields and template values in Chinese; the layout stores the codes
FIELD_BY_NAME = {(title or "空列"): code for code, (title, _t) in bankfile.FIELDS.items()}
NAME_OF_FIELD = {code: name for name, code in FIELD_BY_NAME.items()}
RETURN_ONLY = {"结果代码": "result", "结果说明": "message", "忽略": "ignore"}
RETURN_BY_NAME = {**FIELD_BY_NAME, **RETURN_ONLY}
NAME_OF_RETURN = {code: name for name, code in RETURN_BY_NAME.items()}
TEMPLATE_NAMES = {
    "roll_id": "名册号",
    "seq": "行号",
    "unit_code": "单位代码",
    "date": "发放日期",
    "count": "笔数",
    "total": "金额合计",
    "total_fen": "金额合计分",
    "unit": "单位名称",
}
TEMPLATE_CODES = {name: code for code, name in TEMPLATE_NAMES.items()}


def _renamed(template: str, names: dict) -> str:
    """A str.format template with its value names replaced (literal braces kept)."""
    out = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            conversion = f"!{conversion}" if conversion else ""
            spec = f":{spec}" if spec else ""
            out.append("{" + names.get(name, name) + conversion + spec + "}")
    return "".join(out)


def _field_code(name: str, table: dict, number: int) -> str:
    if name in table:
        return table[name]
    if name in table.values():  # the code itself
        return name
    raise forms.ValidationError(f"第{number}项：没有字段“{name}”，可用字段见下表")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


class LayoutForm(forms.ModelForm):
    line_ending = forms.ChoiceField(label="换行", choices=LINE_ENDINGS)
    reference_format = forms.CharField(
        label="业务流水号格式",
        max_length=100,
        help_text="可用 {名册号} {行号} {单位代码} {发放日期}，须含 {行号}；{行号:07d} 表示补零到7位",
    )
    summary_template = forms.CharField(
        label="汇总行模板",
        max_length=300,
        required=False,
        help_text="可用 {笔数} {金额合计} {金额合计分} {发放日期} {单位名称} {单位代码}",
    )
    bank_keywords_text = forms.CharField(
        label="适用开户银行",
        required=False,
        help_text="开户银行名称含其中任一词的明细进入本文件，逗号分隔；留空为全部银行",
    )
    columns_text = forms.CharField(
        label="列（每行一列）",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="每行：字段,列标题,宽度,对齐(左/右),填充字符；定长文本须填宽度。可用字段见下表",
    )
    return_columns_text = forms.CharField(
        label="银行回盘文件列",
        required=False,
        help_text="按顺序的字段，逗号分隔，如：业务流水号,收款人姓名,金额,银行账号,结果代码,结果说明；不用的列写“忽略”",
    )
    success_codes_text = forms.CharField(label="回盘成功代码", required=False, help_text="逗号分隔，如 0000,S,成功")

    class Meta:
        model = BankLayout
        fields = [
            "code",
            "name",
            "format",
            "encoding",
            "allow_gb18030",
            "delimiter",
            "trailing_delimiter",
            "line_ending",
            "header_row",
            "summary",
            "summary_template",
            "unit_name",
            "unit_code",
            "reference_format",
            "return_header_rows",
            "is_active",
        ]
        help_texts = {"code": "字母、数字和短横线，导出文件名中使用"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        layout = self.instance
        if not self.is_bound:
            self.initial["bank_keywords_text"] = "，".join(layout.bank_keywords or [])
            self.initial["reference_format"] = _renamed(layout.reference_format or "", TEMPLATE_NAMES)
            self.initial["summary_template"] = _renamed(layout.summary_template or "", TEMPLATE_NAMES)
            self.initial["columns_text"] = "\n".join(
                ",".join(
                    [
                        NAME_OF_FIELD.get(c["field"], c["field"]),
                        c.get("title", ""),
                        str(c.get("width", "") or ""),
                        {"l": "左", "r": "右"}.get(c.get("align", ""), ""),
                        c.get("fill", ""),
                    ]
                ).rstrip(",")
                for c in layout.columns or []
            )
            self.initial["return_columns_text"] = ",".join(
                NAME_OF_RETURN.get(c, c) for c in layout.return_columns or []
            )
            self.initial["success_codes_text"] = ",".join(layout.return_success_codes or [])

    def clean_columns_text(self):
        columns = []
        for number, line in enumerate(self.cleaned_data["columns_text"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")] + ["", "", "", ""]
            name, title, width, align, fill = parts[:5]
            field = _field_code(name, FIELD_BY_NAME, number)
            column = {"field": field, "title": title or bankfile.FIELDS[field][0]}
            if width:
                if not width.isdigit() or not 0 < int(width) <= 200:
                    raise forms.ValidationError(f"第{number}行：宽度应为1到200的整数")
                column["width"] = int(width)
            if align:
                if align not in ALIGN:
                    raise forms.ValidationError(f"第{number}行：对齐应为“左”或“右”")
                column["align"] = ALIGN[align]
            if fill:
                column["fill"] = fill[:1]
            columns.append(column)
        if not columns:
            raise forms.ValidationError("至少要有一列")
        return columns

    def clean_reference_format(self):
        return _checked_template(
            self.cleaned_data["reference_format"], {"roll_id", "seq", "unit_code", "date"}, "业务流水号格式", "seq"
        )

    def clean_summary_template(self):
        return _checked_template(
            self.cleaned_data["summary_template"],
            {"count", "total", "total_fen", "date", "unit", "unit_code"},
            "汇总行模板",
        )

    def clean_return_columns_text(self):
        names = [
            _field_code(name, RETURN_BY_NAME, number)
            for number, name in enumerate(_split(self.cleaned_data["return_columns_text"]), start=1)
        ]
        if names and ("ref" not in names or "result" not in names):
            raise forms.ValidationError("银行回盘文件列须含“业务流水号”和“结果代码”")
        return names

    def clean(self):
        data = super().clean()
        columns = data.get("columns_text") or []
        if data.get("format") == BankLayout.Format.FIXED and any(not c.get("width") for c in columns):
            self.add_error("columns_text", "定长文本的每一列都要填宽度")
        if data.get("format") == BankLayout.Format.DELIMITED and not data.get("delimiter"):
            self.add_error("delimiter", "分隔符文本须填写分隔符")
        return data

    def apply(self) -> BankLayout:
        """The layout as edited (not saved): for the preview and for saving."""
        layout = self.instance
        for name in self.Meta.fields:
            setattr(layout, name, self.cleaned_data[name])
        layout.bank_keywords = _split(self.cleaned_data["bank_keywords_text"])
        layout.columns = self.cleaned_data["columns_text"]
        layout.return_columns = self.cleaned_data["return_columns_text"]
        layout.return_success_codes = _split(self.cleaned_data["success_codes_text"])
        return layout


def _checked_template(template: str, allowed: set[str], label: str, required: str = "") -> str:
    """The template with Chinese value names turned into the codes the writer knows, checked."""
    try:
        template = _renamed(template, TEMPLATE_CODES)
        names = [name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name is not None]
        template.format(**dict.fromkeys(allowed, 1))
    except (ValueError, KeyError, IndexError):
        names = None
    if names is None or any(name not in allowed for name in names):
        shown = "、".join("{" + TEMPLATE_NAMES[name] + "}" for name in sorted(allowed))
        raise forms.ValidationError(f"{label}格式不正确：只能使用 {shown}")
    if required and required not in names:
        raise forms.ValidationError(f"{label}须含 {{{TEMPLATE_NAMES[required]}}}，否则各行的流水号会重复")
    return template


@login_required
def layout_list(request):
    _require_layouts(request.user)
    return render(request, "payments/layout_list.html", {"layouts": BankLayout.objects.all()})


@login_required
def layout_edit(request, pk: int | None = None):
    """Edit a layout; "预览" shows a file's first lines from made-up lines without saving."""
    _require_layouts(request.user)
    layout = get_object_or_404(BankLayout, pk=pk) if pk else BankLayout(format="delimited", delimiter="|")
    form = LayoutForm(request.POST or None, instance=layout)
    preview, error = None, ""
    pay_date = timezone.localdate()
    if request.method == "POST" and form.is_valid():
        edited = form.apply()
        try:
            preview = bankfile.sample_lines(edited, pay_date=pay_date)
        except (ValueError, KeyError, IndexError, UnicodeEncodeError) as exc:
            error = f"按此版式无法写出文件：{exc}"
        if "save" in request.POST and not error:
            edited.save()
            record(AuditEntry.Action.UPDATE, obj=edited, changes={"layout": edited.code})
            messages.success(request, f"版式“{edited.name}”已保存；已导出的银行文件不受影响（按导出时的版式重新生成）")
            return redirect("payments:layout_edit", edited.pk)
    elif pk and request.method == "GET":
        try:
            preview = bankfile.sample_lines(layout, pay_date=pay_date)
        except (ValueError, KeyError, IndexError, UnicodeEncodeError) as exc:
            error = f"按此版式无法写出文件：{exc}"
    context = {
        "form": form,
        "layout": layout,
        "preview": preview,
        "preview_error": error,
        "fields": list(FIELD_BY_NAME),
    }
    return render(request, "payments/layout_edit.html", context)
