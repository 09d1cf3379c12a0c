"""收款人（代领）: who holds the account an enrolment is paid into, when it is not the head."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from accounts.roles import Capability
from audit.services import record_personal_data_view
from core.errors import DomainError
from core.masking import mask_id_number
from ledger.models import Enrolment
from ledger.payees import payee_is_beneficiary_or_head, payee_of, set_payee
from payments import rolls


class PayeeForm(forms.Form):
    name = forms.CharField(label="收款人姓名（账户持有人）", max_length=50, required=False)
    id_number = forms.CharField(label="收款人身份证号", max_length=18, required=False)
    relation = forms.CharField(label="与享受人关系", max_length=20, required=False, help_text="如：儿子、女儿")
    reason = forms.CharField(label="代领理由", max_length=200, required=False, help_text="收款人不是享受人或户主时必填")


@login_required
def payee_edit(request, enrolment_pk: int):
    if not (rolls.can_prepare(request.user) and request.user.can(Capability.UNMASK_PERSONAL_DATA)):
        raise PermissionDenied("无权登记收款人")
    enrolment = get_object_or_404(Enrolment.objects.select_related("household__head", "beneficiary"), pk=enrolment_pk)
    current = payee_of(enrolment)
    initial = {
        "name": enrolment.payee_name,
        "id_number": enrolment.payee_id_number,
        "relation": enrolment.payee_relation,
        "reason": enrolment.payee_exception_reason,
    }
    form = PayeeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            set_payee(enrolment, user=request.user, **form.cleaned_data)
            messages.success(request, "收款人已登记，下一期名册起按此收款人发放")
            return redirect("payments:payee_edit", enrolment.pk)
        except DomainError as error:
            form.add_error(None, error.message)
    record_personal_data_view(enrolment, ["payee_id_number"], reason="登记收款人")
    context = {
        "enrolment": enrolment,
        "household": enrolment.household,
        "current": current,
        "form": form,
        "rule_ok": payee_is_beneficiary_or_head(enrolment, current.id_number),
    }
    return render(request, "payments/payee_edit.html", context)


@login_required
def payee_list(request):
    """代领登记: every enrolment paid to someone other than the head, exceptions to the 一卡通 rule
    with their reasons; a search by household number or head's name leads to the payee page."""
    if not request.user.can(Capability.UNMASK_PERSONAL_DATA):
        raise PermissionDenied("无权查看收款人")
    q = request.GET.get("q", "").strip()
    enrolments = Enrolment.objects.select_related("household__head", "beneficiary").order_by("area_code", "id")
    if q:
        enrolments = enrolments.filter(Q(household__number=q) | Q(household__head__name=q) | Q(beneficiary__name=q))
    else:
        enrolments = enrolments.exclude(payee_id_number="")
    rows = []
    for enrolment in enrolments[:200]:
        payee = payee_of(enrolment)
        rows.append(
            {
                "enrolment": enrolment,
                "payee": payee,
                "masked_id": mask_id_number(payee.id_number),
                "rule_ok": payee_is_beneficiary_or_head(enrolment, payee.id_number),
            }
        )
    context = {"rows": rows, "q": q, "can_edit": rolls.can_prepare(request.user)}
    return render(request, "payments/payee_list.html", context)
