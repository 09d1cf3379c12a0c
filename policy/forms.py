"""The administrators' forms for policy data: a new parameter value from a date, a policy document."""

from django import forms

from policy.models import PolicyDocument, PolicyParameter
from policy.programmes import ParameterKey


class ParameterForm(forms.ModelForm):
    """A new value of a parameter from a date; amounts as text, lists and tables as JSON."""

    key = forms.ChoiceField(label="参数", choices=ParameterKey.choices)
    value = forms.JSONField(
        label="取值",
        help_text='金额写成 "700.00"（带引号）；分档、按等级的金额写成 JSON',
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    class Meta:
        model = PolicyParameter
        fields = ["key", "value", "effective_from", "document", "note"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}


class DocumentForm(forms.ModelForm):
    class Meta:
        model = PolicyDocument
        fields = ["title", "number", "issued_by", "issued_on", "file"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"})}
