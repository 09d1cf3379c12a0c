"""{{ step.due_on|provisional }}: a 暂定 badge beside a deadline counted in a year whose holiday
notice is not entered yet (cases.workdays.is_provisional)."""

from datetime import date

from django import template
from django.utils.html import format_html

from cases.workdays import is_provisional

register = template.Library()


@register.filter
def provisional(value) -> str:
    if isinstance(value, date) and is_provisional(value):
        return format_html(
            '<span class="badge text-bg-warning" title="{}">暂定</span>',
            f"{value.year}年节假日安排尚未录入，此期限按周一至周五暂定计算，录入后可能变动",
        )
    return ""
