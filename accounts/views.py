from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import LoginForm, StaffFilterForm, StaffPasswordChangeForm
from accounts.models import User
from accounts.roles import Capability
from core.excel import xlsx_response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def password_change(request):
    form = StaffPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


def _staff_queryset(form: StaffFilterForm):
    queryset = User.in_jurisdiction.select_related("unit").prefetch_related("roles").order_by("area_code", "username")
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            queryset = queryset.filter(Q(full_name__contains=q) | Q(username__contains=q))
        if role := form.cleaned_data["role"]:
            queryset = queryset.filter(roles__code=role)
    return queryset


@login_required
def staff_list(request):
    if not request.user.can(Capability.VIEW_STAFF):
        raise PermissionDenied
    form = StaffFilterForm(request.GET or None)
    queryset = _staff_queryset(form)
    if request.GET.get("export") == "xlsx":
        rows = (
            (
                u.username,
                u.full_name,
                u.unit.name if u.unit else "",
                u.area_code,
                "、".join(u.role_labels),
                "是" if u.is_active else "否",
            )
            for u in queryset.iterator(chunk_size=2000)
        )
        return xlsx_response(
            "工作人员名单", ["用户名", "姓名", "所属单位", "区划代码", "角色", "启用"], rows, "工作人员"
        )
    return render(
        request, "accounts/staff_list.html", {"form": form, "staff": queryset[:500], "total": queryset.count()}
    )


@login_required
def second_factor(request):
    """两步验证: bind an authenticator app (first time), or give its current code."""
    from django_otp import login as otp_login

    from accounts.second_factor import confirmed_device, needs_second_factor, pending_device, qr_svg, secret_for_typing
    from audit.models import AuditEntry
    from audit.services import record

    if not needs_second_factor(request.user):
        return redirect("home")
    device = confirmed_device(request.user)
    binding = device is None
    if binding:
        device = pending_device(request.user)
    error = ""
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip()
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            error = _("验证码错误次数过多，请稍后再试")
        elif code.isdigit() and len(code) == 6 and device.verify_token(code):
            if binding:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record(AuditEntry.Action.LOGIN, obj=request.user, changes={"second_factor": "bound" if binding else "ok"})
            return redirect(request.GET.get("next") or "home")
        else:
            error = _("验证码不正确，请输入身份验证器上当前显示的6位数字")
    context = {"binding": binding, "error": error}
    if binding:
        context.update(qr=qr_svg(device), secret=secret_for_typing(device))
    return render(request, "accounts/second_factor.html", context)
