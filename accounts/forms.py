from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续输错5次将锁定15分钟。"),
        "inactive": _("该账号已停用。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class StaffPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名/用户名"), required=False)
    role = forms.ChoiceField(label=_("角色"), required=False)

    def __init__(self, *args, **kwargs):
        from accounts.roles import RoleCode

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("全部角色")), *RoleCode.choices]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"
