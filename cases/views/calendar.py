"""工作日历: the years the calendar knows, and the form to enter a State Council holiday notice."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.roles import Capability
from cases import workdays
from cases.models import HolidayNotice, WorkdayOverride
from core.errors import DomainError


class HolidayNoticeForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="通知名称", max_length=200, required=False)
    number = forms.CharField(label="文号", max_length=60, required=False, help_text="如：国办发明电〔2026〕X号")
    published_on = forms.DateField(label="发布日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        label="放假与调休安排",
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text="把通知正文粘贴进来，或逐行写“2月6日至2月12日放假”“2月14日上班”",
    )
    upload = forms.FileField(label="或上传通知文本（.txt）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")
        self.fields["text"].required = False

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload:
            raw = upload.read(200_000)
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    data["text"] = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise forms.ValidationError("上传的文件不是文本文件，请另存为 .txt 后上传")
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("请粘贴通知正文或上传通知文本")
        return data


def _require(user) -> None:
    if not user.can(Capability.MANAGE_PERIODIC_WORK):
        raise PermissionDenied("无权维护工作日历")


@login_required
def calendar(request):
    _require(request.user)
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = HolidayNoticeForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = workdays.enter_holiday_notice(
                    year=data["year"],
                    title=data["title"],
                    number=data["number"],
                    published_on=data["published_on"],
                    text=data["text"],
                    user=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                off = WorkdayOverride.objects.filter(date__year=notice.year, is_workday=False).count()
                on = WorkdayOverride.objects.filter(date__year=notice.year, is_workday=True).count()
                messages.success(
                    request,
                    f"已录入{notice.year}年节假日安排：放假{off}天，调休上班{on}天；{notice.year}年的办理期限不再标为暂定",
                )
                return redirect("cases:calendar")
        status = 400
    else:
        next_unknown = next((w.year for w in workdays.calendar_warnings(today)), today.year + 1)
        form = HolidayNoticeForm(initial={"year": next_unknown})
    notices = list(HolidayNotice.objects.select_related("entered_by"))
    for notice in notices:
        notice.days = WorkdayOverride.objects.filter(date__year=notice.year).order_by("date")
    context = {
        "form": form,
        "notices": notices,
        "package_first": workdays.PACKAGE_YEARS.start,
        "package_last": workdays.PACKAGE_YEARS.stop - 1,
        "warnings": workdays.calendar_warnings(today),
    }
    return render(request, "cases/calendar.html", context, status=status)
