"""政策参数: what is in force for the user's area (value, level, source document, history), and
the administrators' form to add a value from a date, with its policy document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.roles import RoleCode
from assistance.forms import DocumentForm, ParameterForm
from assistance.models import PolicyDocument, PolicyParameter
from assistance.policy import Policy, ancestor_codes
from assistance.programmes import ParameterKey


def _may_edit(user) -> bool:
    return user.is_superuser or user.has_role(RoleCode.ADMIN)


def _area(user) -> str:
    return (user.area_code or "430522000000")[:12].ljust(12, "0")


@login_required
def policy(request):
    area = _area(request.user)
    today = timezone.localdate()
    in_force = Policy.for_area(area, today)
    history = PolicyParameter.objects.filter(area_code__in=set(ancestor_codes(area))).select_related("document")
    rows = []
    for key, label in ParameterKey.choices:
        source = in_force.sources.get(key)
        rows.append(
            {
                "key": key,
                "label": label,
                "value": in_force.values.get(key, "未设置"),
                "source": source,
                "history": [p for p in history if p.key == key],
            }
        )
    editable = _may_edit(request.user)
    form = ParameterForm(initial={"effective_from": today})
    doc_form = DocumentForm()
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if request.POST.get("form") == "document":
            doc_form = DocumentForm(request.POST, request.FILES)
            if doc_form.is_valid():
                doc_form.save()
                messages.success(request, "政策文件已登记")
                return redirect("assistance:policy")
        else:
            form = ParameterForm(request.POST)
            if form.is_valid():
                parameter = form.save(commit=False)
                parameter.area_code = area
                if PolicyParameter.objects.filter(
                    area_code=area, key=parameter.key, effective_from=parameter.effective_from
                ).exists():
                    messages.error(request, "同一参数在该日期已有取值，请换一个生效日期")
                else:
                    parameter.save()
                    messages.success(
                        request, f"已录入：{parameter.get_key_display()}，{parameter.effective_from}起生效"
                    )
                    return redirect("assistance:policy")
    form.fields["document"].queryset = PolicyDocument.objects.all()
    context = {"rows": rows, "area": area, "today": today, "editable": editable, "form": form, "doc_form": doc_form}
    return render(request, "assistance/policy.html", context)
