"""Forms of the marriage window: the two parties, the declarations, divorce and register actions."""

from django import forms

from marriage.services import PRIOR_STATUSES, PartyInput

PRIOR_CHOICES = list(PRIOR_STATUSES.items())


class Styled(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class PartyForm(Styled):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=20, help_text="全国任一地区的居民身份证号")
    ethnicity = forms.CharField(label="民族", max_length=20, initial="汉族")
    prior_status = forms.ChoiceField(label="登记前婚姻状况", choices=PRIOR_CHOICES)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    declared_no_spouse = forms.BooleanField(label="本人声明无配偶", required=False)
    declared_no_kinship = forms.BooleanField(label="声明与对方无直系血亲和三代以内旁系血亲关系", required=False)
    declared_voluntary = forms.BooleanField(label="本人亲自到场，完全自愿结婚", required=False)

    def party(self) -> PartyInput:
        data = self.cleaned_data
        return PartyInput(
            id_number=data["id_number"],
            name=data["name"],
            prior_status=data["prior_status"],
            phone=data["phone"],
            ethnicity=data["ethnicity"],
            declared_no_spouse=data["declared_no_spouse"],
            declared_no_kinship=data["declared_no_kinship"],
            declared_voluntary=data["declared_voluntary"],
        )


class DivorceForm(Styled):
    agreement = forms.CharField(
        label="离婚协议要点", widget=forms.Textarea(attrs={"rows": 3}), help_text="子女抚养、财产及债务处理"
    )
    agreement_signed = forms.BooleanField(label="已提交双方签名的书面离婚协议", required=False)
    both_present = forms.BooleanField(label="双方亲自到场申请", required=False)


class WithdrawForm(Styled):
    party = forms.ChoiceField(label="撤回申请的一方", choices=[("man", "男方"), ("woman", "女方")])
    reason = forms.CharField(label="撤回说明", max_length=200, required=False)


class ReissueForm(Styled):
    holder = forms.ChoiceField(label="补领的一方", choices=[("man", "男方"), ("woman", "女方")])
    reason = forms.CharField(label="补领原因", max_length=200, initial="遗失")


class RevokeForm(Styled):
    basis = forms.CharField(label="依据（判决书或决定书文号）", max_length=100)
    reason = forms.CharField(label="撤销原因", max_length=200)


class ElsewhereForm(Styled):
    man_name = forms.CharField(label="男方姓名", max_length=50)
    man_id_number = forms.CharField(label="男方身份证号", max_length=20)
    woman_name = forms.CharField(label="女方姓名", max_length=50)
    woman_id_number = forms.CharField(label="女方身份证号", max_length=20)
    registered_on = forms.DateField(label="结婚登记日期", widget=forms.DateInput(attrs={"type": "date"}))
    number = forms.CharField(label="结婚证字号", max_length=30)
    office_name = forms.CharField(label="原登记机关", max_length=100)


class QueryForm(Styled):
    id_number = forms.CharField(label="被查询人身份证号", max_length=20)
    purpose = forms.CharField(label="查询事由", max_length=200, help_text="如案号、授权书编号")
