"""Printable PDFs with Chinese fonts: the approval form (审批表) and the decision notice
(审核确认 / 不予确认通知书). ReportLab's built-in CID font STSong-Light needs no font file; the
WenQuanYi Micro Hei TrueType collection is used when the machine has it."""

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from accounts.models import Unit
from areas.codes import county_of
from assistance.casework import Application

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_FONT: str | None = None


def font() -> str:
    global _FONT
    if _FONT is None:
        if WQY.exists():
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont("WQY", str(WQY), subfontIndex=0))
            _FONT = "WQY"
        else:
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
            _FONT = "STSong-Light"
    return _FONT


def _styles():
    name = font()
    return (
        ParagraphStyle("title", fontName=name, fontSize=18, leading=26, alignment=1, spaceAfter=8),
        ParagraphStyle("body", fontName=name, fontSize=11, leading=18, wordWrap="CJK"),
    )


def _render(flowables) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm).build(flowables)
    return buffer.getvalue()


def _table(rows, body) -> Table:
    table = Table([[Paragraph(str(a), body), Paragraph(str(b), body)] for a, b in rows], colWidths=[40 * mm, 130 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def approval_form(application: Application) -> bytes:
    """审批表: the household, the working, every step's opinion, the decision."""
    title, body = _styles()
    case = application.case
    head = application.household.head
    members = "、".join(m["name"] for m in application.composition.get("counted", []))
    left = "；".join(f"{m['name']}（{m['reason']}）" for m in application.composition.get("left_out", []))
    rows = [
        ("受理编号", case.receipt_no),
        ("申请项目", application.get_programme_display()),
        ("户主", head.name if head else ""),
        ("家庭住址", application.household.address),
        ("共同生活成员", f"{members}（保障人口{application.covered_members}人）"),
        ("不计入成员", left or "无"),
        ("近亲属备案", application.close_relative_note or "否"),
        ("收入核算", "<br/>".join(application.working.get("lines", [])) or "—"),
        ("拟保障金额", f"{application.proposed_amount or '—'}元/月"),
    ]
    for step in case.steps.select_related("acted_by", "responsible_unit").order_by("order"):
        who = step.acted_by.full_name if step.acted_by_id else ""
        rows.append(
            (
                step.name,
                f"{step.responsible_unit.name if step.responsible_unit_id else ''}：{step.opinion or step.get_state_display()} {who} {step.finished_on or ''}",
            )
        )
    rows.append(("审核结果", f"{application.get_decision_display()} {application.decided_on or ''}"))
    return _render([Paragraph(f"{application.get_programme_display()}审批表", title), _table(rows, body)])


def decision_notice(application: Application) -> bytes:
    """审核确认通知书 or 不予确认通知书 addressed to the applicant."""
    title, body = _styles()
    case = application.case
    name = case.applicant.name
    if application.decision == Application.Decision.CONFIRMED:
        heading = f"{application.get_programme_display()}审核确认通知书"
        start = application.enrolment.start_month if application.enrolment_id else None
        text = (
            f"{name}：您于{case.accepted_on:%Y年%m月%d日}提出的{application.get_programme_display()}申请（受理编号{case.receipt_no}），"
            f"经调查、公示和审核，决定予以确认，保障人口{application.covered_members}人，"
            f"月保障金额{application.proposed_amount}元，自{start:%Y年%m月}起按月发放。"
            if start
            else ""
        )
    else:
        heading = f"{application.get_programme_display()}不予确认通知书"
        text = (
            f"{name}：您于{case.accepted_on:%Y年%m月%d日}提出的{application.get_programme_display()}申请（受理编号{case.receipt_no}），"
            f"经审核，决定不予确认。理由：{application.decision_reason}。"
            "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"
        )
    bureau = Unit.unscoped.filter(kind=Unit.Kind.BUREAU, area_code=county_of(case.area_code)).first()
    signed = (
        f"{bureau.name if bureau else '县级民政部门'}　{application.decided_on:%Y年%m月%d日}"
        if application.decided_on
        else ""
    )
    return _render(
        [
            Paragraph(heading, title),
            Spacer(1, 6 * mm),
            Paragraph(text, body),
            Spacer(1, 16 * mm),
            Paragraph(signed, body),
        ]
    )
