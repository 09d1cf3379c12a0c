"""Registry forms: filters for the list pages, the household registration form, edits and uploads.

Forms validate what a clerk typed and give the message next to the field; the registry services
do the work and have the last word (their DomainError is shown next to the field too).
"""

import re
from pathlib import Path

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from areas import codes
from areas.models import Area
from registry import idcard
from registry.models import DocumentType, Household, Person
from registry.relations import Relation
from registry.services import MAX_DOCUMENT_BYTES

ALLOWED_EXTENSIONS = {"pdf", "jpg", "jpeg", "png"}


def _style(form: forms.Form, small: bool = False) -> None:
    size = " form-control-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", f"form-select{' form-select-sm' if small else ''}")
        else:
            widget.attrs.setdefault("class", f"form-control{size}")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def jurisdiction_areas(user, levels=(codes.TOWNSHIP, codes.VILLAGE, codes.GRID)):
    """Current areas the user may put residents in: their own area and below."""
    queryset = Area.objects.current().filter(level__in=levels)
    if user.area_code:
        queryset = queryset.below(user.area_code)
    elif not user.is_superuser:
        return queryset.none()
    return queryset.order_by("code")


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        indent = {codes.VILLAGE: "　", codes.GRID: "　　"}.get(obj.level, "")
        return f"{indent}{obj.name}（{obj.code}）"


class AreaSearchField(forms.Field):
    """An area typed, not picked from a list of every area: a text box whose suggestions
    (areas:search, through htmx) are "name（township，code）"; the code in the text, else an exact
    name, identifies the area. Cleans to an Area within the user's jurisdiction, or None."""

    CODE = re.compile(r"(\d{15}|\d{12})")

    def __init__(self, *, queryset=None, **kwargs):
        self.queryset = queryset if queryset is not None else Area.objects.none()
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "list": "area-options",
                    "autocomplete": "off",
                    "placeholder": _("区域：输入乡镇、村（社区）名称"),
                    "hx-get": reverse_lazy("areas:search"),
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#area-options",
                    "hx-swap": "innerHTML",
                    # not what the filter form around it passes down (htmx attributes are inherited)
                    "hx-select": "option",
                    "hx-push-url": "false",
                }
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        found = self.CODE.search(text)
        if found:
            area = self.queryset.filter(code=found.group(1)).first()
        else:
            named = list(self.queryset.filter(name=text)[:2])
            area = named[0] if len(named) == 1 else None
            if len(named) > 1:
                raise forms.ValidationError(_("有多个同名区域，请从提示中选择"))
        if area is None:
            raise forms.ValidationError(_("辖区内找不到该区域"))
        return area

    def prepare_value(self, value):
        if isinstance(value, Area):
            return f"{value.name}（{value.code}）"
        return value


# --- list filters ----------------------------------------------------------------------------


class _FilterForm(forms.Form):
    q = forms.CharField(label=_("查找"), required=False)
    area = AreaSearchField(label=_("区域"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = jurisdiction_areas(user)
        _style(self, small=True)


class PersonFilterForm(_FilterForm):
    sex = forms.ChoiceField(label=_("性别"), required=False, choices=[("", _("全部性别")), *Person.Sex.choices])
    disability = forms.ChoiceField(
        label=_("残疾"),
        required=False,
        choices=[
            ("", _("残疾：不限")),
            ("any", _("有残疾")),
            ("none", _("无残疾")),
            *Person.DisabilityType.choices[1:],
        ],
    )
    life_status = forms.ChoiceField(
        label=_("生存状态"), required=False, choices=[("", _("全部状态")), *Person.LifeStatus.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("姓名、拼音首字母、身份证号后几位、电话、住址")


class HouseholdFilterForm(_FilterForm):
    kind = forms.ChoiceField(label=_("城乡"), required=False, choices=[("", _("城镇/农村")), *Household.Kind.choices])
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("有效户")), ("all", _("全部")), ("closed", _("已撤销/合并"))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("户主姓名/拼音、户编号、住址、成员身份证号后几位")


class DocumentFilterForm(_FilterForm):
    doc_type = forms.ModelChoiceField(
        label=_("证照类型"), queryset=DocumentType.objects.all(), required=False, empty_label=_("全部类型")
    )
    validity = forms.ChoiceField(
        label=_("有效性"),
        required=False,
        choices=[("", _("当前版本")), ("valid", _("有效")), ("expired", _("已过期")), ("all", _("含历史版本"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("持有人姓名/拼音、身份证号后几位")


# --- household registration ------------------------------------------------------------------


class HouseholdForm(forms.Form):
    area = AreaChoiceField(label=_("所属村/社区/网格"), queryset=Area.objects.none())
    address = forms.CharField(label=_("家庭住址"), max_length=200)
    kind = forms.ChoiceField(label=_("城乡类别"), choices=Household.Kind.choices, initial=Household.Kind.RURAL)
    phone = forms.CharField(label=_("家庭联系电话"), max_length=20, required=False)
    bank_name = forms.CharField(label=_("开户银行"), max_length=50, required=False)
    bank_account_name = forms.CharField(label=_("银行账户名称"), max_length=50, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=32, required=False)
    on_date = forms.DateField(label=_("立户日期"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = jurisdiction_areas(user, levels=(codes.VILLAGE, codes.GRID))
        _style(self)

    def clean_bank_account(self) -> str:
        value = self.cleaned_data["bank_account"].replace(" ", "")
        if value and not value.isdigit():
            raise forms.ValidationError(_("银行账号只能是数字"))
        return value


PERSON_DETAIL_FIELDS = (
    "phone",
    "ethnicity",
    "marital_status",
    "disability_type",
    "disability_grade",
    "disability_certificate",
    "serious_illness",
    "labour_capacity",
    "employment",
    "education",
)


class MemberForm(forms.Form):
    """One row of the household form: a person to register and their relation to the head."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    relation = forms.ChoiceField(label=_("与户主关系"), choices=[("", "——"), *Relation.choices])
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, initial="汉族", required=False)
    marital_status = forms.ChoiceField(
        label=_("婚姻状况"), choices=Person.MaritalStatus.choices, initial=Person.MaritalStatus.UNKNOWN
    )
    disability_type = forms.ChoiceField(label=_("残疾类别"), choices=Person.DisabilityType.choices, required=False)
    disability_grade = forms.TypedChoiceField(
        label=_("残疾等级"),
        choices=[("", "——"), *[(g, f"{g}级") for g in range(1, 5)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    labour_capacity = forms.ChoiceField(
        label=_("劳动能力"), choices=Person.LabourCapacity.choices, initial=Person.LabourCapacity.FULL
    )
    employment = forms.ChoiceField(
        label=_("就业状况"), choices=[("", "——"), *Person.Employment.choices], required=False
    )
    education = forms.ChoiceField(label=_("文化程度"), choices=[("", "——"), *Person.Education.choices], required=False)

    def __init__(self, *args, is_head: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_head = is_head
        if is_head:
            self.fields["relation"].choices = [(Relation.HEAD, Relation.HEAD.label)]
            self.fields["relation"].initial = Relation.HEAD
            self.empty_permitted = False
        else:
            self.fields["relation"].choices = [("", "——"), *[c for c in Relation.choices if c[0] != Relation.HEAD]]
        _style(self, small=True)

    def has_changed(self) -> bool:
        # An untouched spare row is skipped; defaults (民族, 婚姻状况 ...) do not count as typing.
        return any(self[name].value() for name in ("name", "id_number", "relation", "phone")) or self.is_head

    def clean_id_number(self) -> str:
        try:
            return idcard.parse(self.cleaned_data["id_number"]).number
        except idcard.InvalidIdNumber as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None

    def clean(self):
        data = super().clean()
        if data.get("disability_grade") and not data.get("disability_type"):
            self.add_error("disability_type", _("填写了残疾等级，请选择残疾类别"))
        return data

    def person_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in PERSON_DETAIL_FIELDS if name in data}
        fields["ethnicity"] = fields.get("ethnicity") or "汉族"
        return {k: ("" if v is None and k != "disability_grade" else v) for k, v in fields.items()}


class BaseMemberFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {"is_head": index == 0}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True)
        self.add_fields(form, None)
        return form

    def clean(self):
        if any(self.errors):
            return
        seen: dict[str, int] = {}
        for index, form in enumerate(self.forms):
            number = form.cleaned_data.get("id_number") if form.has_changed() else None
            if not number:
                continue
            if number in seen:
                form.add_error("id_number", _("与第%(n)d行的身份证号重复") % {"n": seen[number] + 1})
            seen[number] = index


MemberFormSet = forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=4, min_num=0, max_num=30)


def member_row_form(index: int) -> MemberForm:
    """A blank row for the htmx "添加成员" button."""
    return MemberForm(prefix=f"members-{index}", is_head=False, empty_permitted=True, use_required_attribute=False)


# --- person edits ----------------------------------------------------------------------------


class KeepsMaskedFields:
    """An edit form never sends a personal value the user may not see unmasked.

    For such a user each field of `masked_fields` goes out blank with the masked value as a hint, and
    a blank answer keeps the stored value. A user who may unmask (查看完整个人信息) gets the full
    values, and that reveal is written to the audit log as any other (`revealed_fields`)."""

    masked_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.roles import Capability
        from core.masking import mask_value

        self.may_unmask = user.can(Capability.UNMASK_PERSONAL_DATA)
        self.kept: dict[str, object] = {}  # field → the stored value a blank answer keeps
        self.revealed_fields = []
        for name in self.masked_fields:
            stored = getattr(self.instance, name)
            if not stored:
                continue
            if self.may_unmask:
                self.revealed_fields.append(name)
                continue
            self.kept[name] = stored
            self.initial[name] = ""
            self.fields[name].required = False
            hint = f"{mask_value(name, stored)}（留空则不修改）"
            self.fields[name].widget.attrs["placeholder"] = hint

    def _post_clean(self):
        for name, stored in self.kept.items():
            if not self.cleaned_data.get(name):
                self.cleaned_data[name] = stored
        super()._post_clean()

    @property
    def changed_data(self):
        return [
            name
            for name in super().changed_data
            if not (name in self.kept and self.cleaned_data.get(name) == self.kept[name])
        ]


class PersonEditForm(KeepsMaskedFields, forms.ModelForm):
    masked_fields = ("phone",)

    class Meta:
        model = Person
        fields = ("name", *PERSON_DETAIL_FIELDS, "hukou_area_code")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class DeathForm(forms.Form):
    death_date = forms.DateField(label=_("死亡日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self, small=True)


class MoveForm(forms.Form):
    household_number = forms.CharField(label=_("迁入户编号"), max_length=30)
    relation = forms.ChoiceField(label=_("与新户主关系"), choices=Relation.choices)
    on_date = forms.DateField(label=_("迁入日期"), widget=DateInput())
    reason = forms.CharField(label=_("原因"), max_length=100, initial="迁入", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self, small=True)

    def clean_household_number(self) -> Household:
        number = self.cleaned_data["household_number"].strip()
        household = Household.objects.filter(number=number, is_active=True).first()
        if household is None:
            raise forms.ValidationError(_("本辖区没有户编号为%(n)s的有效家庭户") % {"n": number})
        return household


# --- households: split, merge, checklist -----------------------------------------------------


class SplitForm(forms.Form):
    """分户: pick the new head and who goes with them, each with a relation to the new head."""

    new_head = forms.TypedChoiceField(label=_("新户户主"), coerce=int)
    address = forms.CharField(label=_("新户住址"), max_length=200)
    on_date = forms.DateField(label=_("分户日期"), widget=DateInput())

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = [m for m in household.current_memberships() if m.person_id != household.head_id]
        self.fields["new_head"].choices = [(m.person_id, m.person.name) for m in self.memberships]
        for m in self.memberships:
            self.fields[f"with_{m.person_id}"] = forms.BooleanField(label=m.person.name, required=False)
            self.fields[f"relation_{m.person_id}"] = forms.ChoiceField(
                label=_("与新户主关系"),
                required=False,
                choices=[("", "——"), *[c for c in Relation.choices if c[0] != Relation.HEAD]],
            )
        _style(self, small=True)

    def rows(self):
        return [(m, self[f"with_{m.person_id}"], self[f"relation_{m.person_id}"]) for m in self.memberships]

    def clean(self):
        data = super().clean()
        for m in self.memberships:
            taken = data.get(f"with_{m.person_id}") and m.person_id != data.get("new_head")
            if taken and not data.get(f"relation_{m.person_id}"):
                self.add_error(f"relation_{m.person_id}", _("请选择%(n)s与新户主的关系") % {"n": m.person.name})
        return data

    def chosen(self) -> tuple[Person, list[tuple[Person, str]]]:
        data = self.cleaned_data
        by_id = {m.person_id: m.person for m in self.memberships}
        members = [
            (by_id[pid], data[f"relation_{pid}"])
            for pid in by_id
            if data.get(f"with_{pid}") and pid != data["new_head"]
        ]
        return by_id[data["new_head"]], members


class MergeForm(forms.Form):
    into_number = forms.CharField(label=_("并入户编号"), max_length=30)
    on_date = forms.DateField(label=_("并户日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self, small=True)

    def clean_into_number(self) -> Household:
        number = self.cleaned_data["into_number"].strip()
        household = Household.objects.filter(number=number, is_active=True).first()
        if household is None:
            raise forms.ValidationError(_("本辖区没有户编号为%(n)s的有效家庭户") % {"n": number})
        return household


class ChecklistForm(forms.Form):
    required = forms.ModelMultipleChoiceField(
        label=_("申请所需材料"),
        queryset=DocumentType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class HouseholdEditForm(KeepsMaskedFields, forms.ModelForm):
    """The account number is never shown here: leave it blank to keep it, type a new one to change it."""

    masked_fields = ("phone",)

    class Meta:
        model = Household
        fields = ("address", "kind", "phone", "bank_name", "bank_account_name", "bank_account")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from core.masking import mask_bank_account

        self.fields["bank_account"].required = False
        self.initial["bank_account"] = ""
        self.fields["bank_account"].widget.attrs["placeholder"] = (
            f"{mask_bank_account(self.instance.bank_account)}（留空则不修改）" if self.instance.bank_account else ""
        )
        _style(self)

    def clean_bank_account(self) -> str:
        value = (self.cleaned_data.get("bank_account") or "").replace(" ", "")
        if not value:
            return self.instance.bank_account
        if not value.isdigit():
            raise forms.ValidationError(_("银行账号只能是数字"))
        return value


# --- documents -------------------------------------------------------------------------------


class DocumentForm(forms.Form):
    doc_type = forms.ModelChoiceField(label=_("证照类型"), queryset=DocumentType.objects.all())
    number = forms.CharField(label=_("证照编号"), max_length=60, required=False)
    issued_by = forms.CharField(label=_("发证机关"), max_length=100, required=False)
    valid_from = forms.DateField(label=_("有效期起"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DateInput())
    file = forms.FileField(label=_("文件（PDF/JPG/PNG）"), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, holder: str = DocumentType.Holder.PERSON, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].queryset = DocumentType.objects.filter(holder=holder)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"
        _style(self, small=True)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        suffix = Path(upload.name).suffix.lower().lstrip(".")
        if suffix not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(_("只接受PDF、JPG、PNG格式的文件"))
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("文件过大：不能超过%(mb)dMB") % {"mb": MAX_DOCUMENT_BYTES // 1024 // 1024})
        return upload

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("有效期截止日期早于起始日期"))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {k: data[k] for k in ("number", "issued_by", "valid_from", "valid_until", "note")}
