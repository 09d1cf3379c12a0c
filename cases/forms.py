from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import DocumentType


class StepActionForm(forms.Form):
    ACTIONS = [
        ("approve", _("通过")),
        ("correct", _("退回补正")),
        ("reject", _("不予通过")),
        ("transfer", _("转办")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    version = forms.IntegerField(min_value=0)
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    to_unit = forms.IntegerField(required=False)
    limit_wd = forms.IntegerField(required=False, min_value=1, max_value=60)
    attachment = forms.FileField(required=False)


class AddDocumentForm(forms.Form):
    doc_type = forms.ModelChoiceField(queryset=DocumentType.objects.all(), label=_("材料类型"))
    holder = forms.CharField(label=_("所属"), help_text=_("household 或 成员ID"))
    number = forms.CharField(label=_("证照编号"), required=False, max_length=60)
    valid_until = forms.DateField(label=_("有效期至"), required=False)
    upload = forms.FileField(label=_("文件"), required=False)


class SuperviseForm(forms.Form):
    due_on = forms.DateField(label=_("限办日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("督办事由"), widget=forms.Textarea(attrs={"rows": 2}))


class ProgressForm(forms.Form):
    receipt_no = forms.CharField(label=_("受理编号"), max_length=30)
    id_tail = forms.CharField(label=_("申请人身份证号后6位"), min_length=6, max_length=6)
