"""The verification report as PDF (docs/domain.md §5.1, §8; MZ/T 072-2024): number, time, programme, applicant;
members; one table per data source with its feedback time; deposits only as over/under the
limit; the objection note; "仅供社会救助审核使用"; signature and date. reportlab with the built-in
STSong-Light CID font (no font file needed)."""

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from verification.sources import SOURCES

FONT = "STSong-Light"
USE_NOTICE = "仅供社会救助审核使用"
OBJECTION = "申请人对核对结果有异议的，可自收到本报告之日起向核对机构申请复查。"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def report_pdf(report) -> bytes:
    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=14)
    head = ParagraphStyle("h", fontName=font, fontSize=11, leading=16, spaceBefore=6)
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), font, 9),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    story = [
        Paragraph("居民家庭经济状况核对报告", title),
        Spacer(1, 4 * mm),
        Paragraph(
            f"报告编号：{report.number}　核对时间：{report.checked_at:%Y-%m-%d %H:%M}　申请项目：{report.programme}",
            body,
        ),
        Paragraph(f"申请人：{report.applicant.name}　家庭人口：{len(report.members)}人", body),
        Paragraph("家庭成员", head),
    ]
    members = [["姓名", "身份证号", "状态"]] + [
        [m["name"], m["id"], "健在" if m["alive"] else "死亡"] for m in report.members
    ]
    story.append(Table(members, colWidths=[40 * mm, 60 * mm, 30 * mm], style=style))
    lines = list(report.lines.select_related("person", "batch"))
    sources = report.summary.get("sources", {})
    for code, source in SOURCES.items():
        feedback = sources.get(code, {})
        when = feedback.get("loaded_at", "")[:16].replace("T", " ") or "未接入数据"
        story.append(Paragraph(f"{source.department}·{source.name}（反馈时间：{when}）", head))
        if code == "deposit":
            over = report.summary.get("deposit_over")
            verdict = "超过上限" if over else "未超过上限"
            story.append(Paragraph(f"家庭金融资产：{verdict}（{report.summary.get('deposit_threshold', '')}）", body))
            continue
        found = [ln for ln in lines if ln.source == code]
        if not found:
            story.append(Paragraph("未发现记录", body))
            continue
        table = [["成员", "核对结果", "对照标准", "批次", "复查"]] + [
            [
                ln.person.name,
                Paragraph(ln.text, body),
                Paragraph(("【超过】" if ln.breach else "") + ln.threshold, body),
                f"第{ln.batch.version}批" if ln.batch_id else "",
                ln.get_recheck_display() if ln.recheck else "",
            ]
            for ln in found
        ]
        story.append(Table(table, colWidths=[22 * mm, 68 * mm, 50 * mm, 18 * mm, 20 * mm], style=style))
    summary = report.summary
    story += [
        Paragraph("核对结论", head),
        Paragraph(
            f"月人均收入（工资、养老金）：{summary.get('income_per_capita')}元，当地低保标准：{summary.get('standard')}元，"
            f"{'高于' if summary.get('income_over') else '不高于'}标准；超过标准的核对结果{summary.get('breaches', 0)}项。",
            body,
        ),
        Spacer(1, 3 * mm),
        Paragraph(OBJECTION, body),
        Paragraph(f"<b>{USE_NOTICE}</b>", body),
        Spacer(1, 10 * mm),
        Paragraph("核对机构（盖章）：____________　　核对人签字：____________　　日期：____年__月__日", body),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"核对报告 {report.number}",
    ).build(story)
    return buffer.getvalue()
