from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from audit.capabilities import VIEW_AUDIT_LOG
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.sentences import sentence, sentences, type_label
from audit.services import record
from core.excel import xlsx_response


def _changes_text(changes: dict) -> str:
    return "；".join(
        f"{field}: {values[0]} → {values[1]}" if isinstance(values, list) and len(values) == 2 else f"{field}: {values}"
        for field, values in changes.items()
    )


@login_required
def audit_log(request):
    if not request.user.can(VIEW_AUDIT_LOG):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    queryset = form.filter(AuditEntry.objects.order_by("-id"))
    if request.GET.get("export") == "xlsx":
        from audit.sentences import _Resolver

        no_lookups = _Resolver(resolve_related=False)
        record(
            AuditEntry.Action.EXPORT,
            object_type="audit.auditentry",
            object_repr="操作日志导出",
            area_code=request.user.area_code,
            changes={"filter": request.GET.urlencode()},
        )
        rows = (
            (
                e.id,
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                e.username,
                e.unit_name,
                e.ip,
                e.get_action_display(),
                type_label(e.object_type),
                e.object_id,
                e.object_repr,
                e.area_code,
                sentence(e, resolver=no_lookups).text,
                _changes_text(e.changes),
            )
            for e in queryset.iterator(chunk_size=5000)
        )
        headers = [
            "序号",
            "时间",
            "用户",
            "单位",
            "IP地址",
            "操作",
            "对象类型",
            "对象ID",
            "对象",
            "区划代码",
            "说明",
            "变更内容（原始）",
        ]
        return xlsx_response("操作日志", headers, rows, "操作日志")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    for entry, text in zip(page, sentences(page), strict=True):
        entry.sentence = text
    return render(request, "audit/log.html", {"form": form, "page": page})
