"""The administrator's pages: issue a client (the secret shown once), revoke it, choose where its
events go; the delivery log (status, attempts, next try, response code) with a resend; the batches."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from areas.models import Area
from core.errors import DomainError
from core.excel import xlsx_response
from partners import credentials, webhooks
from partners.capabilities import MANAGE_PARTNERS
from partners.exchange import KIND_LABEL
from partners.models import ExchangeBatch, PartnerClient, WebhookDelivery, WebhookSubscription
from partners.scopes import EVENT_SCOPE, EventType, Scope, event_label, scope_label


def _require(request):
    if not request.user.can(MANAGE_PARTNERS):
        raise PermissionDenied("您没有管理接口客户端的权限")


class ClientForm(forms.Form):
    name = forms.CharField(label="系统名称", max_length=100)
    department = forms.CharField(label="所属部门", max_length=100)
    area_code = forms.ChoiceField(label="数据范围（辖区）")
    scopes = forms.MultipleChoiceField(label="授权范围", choices=Scope.choices, widget=forms.CheckboxSelectMultiple)
    rate_limit_per_minute = forms.IntegerField(label="每分钟请求上限", min_value=1, max_value=100000, initial=120)
    contact = forms.CharField(label="联系人及电话", max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        code = user.area_code or ""
        areas = Area.objects.filter(Q(code=code) | Q(parent__code=code))
        self.fields["area_code"].choices = [(a.code, a.name) for a in areas.order_by("code")[:200]]


class SubscriptionForm(forms.Form):
    url = forms.URLField(label="接收地址", max_length=300, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label="订阅的事件", choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )


@login_required
def clients(request):
    _require(request)
    rows = PartnerClient.objects.all()
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "接口客户端",
            [
                "系统名称",
                "所属部门",
                "客户端编号",
                "区划代码",
                "授权范围",
                "每分钟上限",
                "签发时间",
                "最近调用",
                "状态",
            ],
            (
                [
                    c.name,
                    c.department,
                    c.client_id,
                    c.area_code,
                    "、".join(scope_label(s) for s in c.scopes),
                    c.rate_limit_per_minute,
                    timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(c.last_used_at).strftime("%Y-%m-%d %H:%M") if c.last_used_at else "",
                    "已吊销" if c.revoked_at else "有效",
                ]
                for c in rows.iterator(chunk_size=2000)
            ),
            "接口客户端",
        )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "partners/clients.html", {"page": page})


@never_cache
@login_required
def client_new(request):
    _require(request)
    form = ClientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            issued = credentials.issue_client(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            # shown here once: never stored, never shown again (a redirect would need to keep it)
            return render(request, "partners/issued.html", {"issued": issued, "client": issued.client})
    return render(request, "partners/client_new.html", {"form": form})


@login_required
def client_detail(request, pk: int):
    _require(request)
    client = get_object_or_404(PartnerClient.objects, pk=pk)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["events"]
        missing = [event_label(e) for e in chosen if not client.has_scope(EVENT_SCOPE[e])]
        if client.revoked_at:
            form.add_error(None, "该客户端已被吊销")
        elif missing:
            form.add_error("events", "该客户端没有接收这些事件所需的授权：" + "、".join(missing))
        else:
            WebhookSubscription.objects.create(
                client=client, area_code=client.area_code, url=form.cleaned_data["url"], events=chosen
            )
            messages.success(request, "已添加事件订阅")
            return redirect("partners:client", pk=client.pk)
    deliveries = list(
        WebhookDelivery.objects.filter(subscription__client=client).select_related("subscription__client")[:10]
    )
    for d in deliveries:
        d.event_name, d.tone = event_label(d.event_type), STATUS_TONE.get(d.status, "secondary")
    context = {
        "client": client,
        "scopes": [scope_label(s) for s in client.scopes],
        "subscriptions": [(s, [event_label(e) for e in s.events]) for s in client.subscriptions.all()],
        "deliveries": deliveries,
        "batches": client.batches.all()[:10],
        "form": form,
    }
    return render(request, "partners/client_detail.html", context)


@login_required
@require_POST
def client_revoke(request, pk: int):
    _require(request)
    client = get_object_or_404(PartnerClient.objects, pk=pk)
    try:
        credentials.revoke_client(client, user=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已吊销“{client.name}”的凭证，它的下一次调用即被拒绝")
    return redirect("partners:client", pk=client.pk)


@login_required
@require_POST
def subscription_toggle(request, pk: int):
    _require(request)
    subscription = get_object_or_404(WebhookSubscription.objects, pk=pk)
    subscription.active = not subscription.active
    subscription.save()
    messages.success(request, "已启用该订阅" if subscription.active else "已停用该订阅")
    return redirect("partners:client", pk=subscription.client_id)


STATUS_TONE = {
    "delivered": "success",
    "retrying": "warning",
    "gave_up": "danger",
    "pending": "secondary",
    "sending": "info",
}


@login_required
def deliveries(request):
    _require(request)
    rows = WebhookDelivery.objects.select_related("subscription__client")
    status = request.GET.get("status", "")
    if status in WebhookDelivery.Status.values:
        rows = rows.filter(status=status)
    client = request.GET.get("client", "")
    if client.isdigit():
        rows = rows.filter(subscription__client_id=int(client))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "事件通知记录",
            [
                "产生时间",
                "事件",
                "事件编号",
                "客户端",
                "接收地址",
                "状态",
                "已尝试次数",
                "下次尝试",
                "对方响应码",
                "失败原因",
                "送达时间",
            ],
            (
                [
                    timezone.localtime(d.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    event_label(d.event_type),
                    str(d.event_id),
                    d.subscription.client.name,
                    d.subscription.url,
                    d.get_status_display(),
                    d.attempts,
                    timezone.localtime(d.next_try_at).strftime("%Y-%m-%d %H:%M:%S") if d.next_try_at else "",
                    d.last_status_code or "",
                    d.last_error,
                    timezone.localtime(d.delivered_at).strftime("%Y-%m-%d %H:%M:%S") if d.delivered_at else "",
                ]
                for d in rows.iterator(chunk_size=2000)
            ),
            "事件通知",
        )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for d in page:
        d.event_name, d.tone = event_label(d.event_type), STATUS_TONE.get(d.status, "secondary")
    return render(
        request,
        "partners/deliveries.html",
        {
            "page": page,
            "statuses": WebhookDelivery.Status.choices,
            "status": status,
            "clients": PartnerClient.objects.all()[:200],
            "client": client,
        },
    )


@login_required
@require_POST
def delivery_resend(request, pk: int):
    _require(request)
    delivery = get_object_or_404(WebhookDelivery.objects, pk=pk)
    webhooks.resend(delivery)
    messages.success(request, "已安排重新发送（事件编号不变，接收方可据此去重）")
    return redirect("partners:deliveries")


@login_required
def batches(request):
    _require(request)
    rows = ExchangeBatch.objects.select_related("client")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "数据交换批次",
            ["接收/生成时间", "方向", "客户端", "批次编号", "数据类别", "记录条数", "SHA-256", "状态", "处理结果"],
            (
                [
                    timezone.localtime(b.received_at).strftime("%Y-%m-%d %H:%M:%S"),
                    b.get_direction_display(),
                    b.client.name,
                    b.batch_id,
                    KIND_LABEL.get(b.kind, b.kind),
                    b.records,
                    b.sha256,
                    b.get_status_display(),
                    "；".join(f"{k}{v}" for k, v in (b.result or {}).items()),
                ]
                for b in rows.iterator(chunk_size=2000)
            ),
            "交换批次",
        )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for b in page:
        b.kind_name = KIND_LABEL.get(b.kind, b.kind)
    return render(request, "partners/batches.html", {"page": page})
