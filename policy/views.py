"""政策参数: what is in force for the user's area (value, level, source document, history), and
the administrators' form to add a value from a date, with its policy document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.roles import Capability
from areas.models import Area
from policy.display import describe_value
from policy.forms import DocumentForm, ParameterForm
from policy.models import PolicyDocument, PolicyParameter
from policy.parameters import Policy, ancestor_codes
from policy.programmes import ParameterKey


def _area(user) -> str:
    """The user's own level; staff with no area (a national administrator) see the national defaults ("")."""
    return user.area_code[:12].ljust(12, "0") if user.area_code else ""


@login_required
def parameters(request):
    area = _area(request.user)
    today = timezone.localdate()
    in_force = Policy.for_area(area, today)
    levels = ancestor_codes(area)
    history = PolicyParameter.objects.filter(area_code__in=set(levels)).select_related("document")
    names = {"": "全国", **dict(Area.objects.filter(code__in=levels).values_list("code", "name"))}
    rows = []
    for key, label in ParameterKey.choices:
        source = in_force.sources.get(key)
        rows.append(
            {
                "key": key,
                "label": label,
                "value": describe_value(key, in_force.values.get(key)),
                "source": source,
                "level": names.get(source.area_code, source.area_code) if source else "",
                "history": [
                    (names.get(p.area_code, p.area_code), p.effective_from, describe_value(key, p.value))
                    for p in history
                    if p.key == key
                ],
            }
        )
    editable = request.user.can(Capability.MANAGE_POLICY)
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
                return redirect("policy:parameters")
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
                    return redirect("policy:parameters")
    form.fields["document"].queryset = PolicyDocument.objects.all()
    context = {
        "rows": rows,
        "area_name": names.get(area, area),
        "today": today,
        "editable": editable,
        "form": form,
        "doc_form": doc_form,
    }
    return render(request, "policy/parameters.html", context)
