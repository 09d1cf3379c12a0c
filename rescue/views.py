"""Pages of the rescue station: the stays (cards on a phone), intake, a stay with its actions, the
missing-person notice (printable), persons not yet identified with identity search and merge, and the
monthly statistics (table and xlsx)."""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number, mask_name
from registry import unidentified as registry_unidentified
from registry.models import Organisation, Person, UnidentifiedPerson
from rescue import rules, services
from rescue.capabilities import EXTEND_STAYS, RESCUE_WORK, VIEW_RESCUE_STATISTICS
from rescue.models import Stay


def _require(request, capability=RESCUE_WORK):
    if not request.user.can(capability):
        raise PermissionDenied("您没有使用该功能的权限")


def _styled(form):
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        if isinstance(field.widget, forms.CheckboxInput):
            css = "form-check-input"
        field.widget.attrs.setdefault("class", css)
    return form


def _annotate(stay: Stay, today: date) -> Stay:
    stay.overdue = rules.is_overdue(stay.due_on, today, stay.status == Stay.Status.IN_STATION)
    stay.left = rules.days_left(stay.due_on, today)
    stay.overdue_days = max((today - stay.due_on).days, 0)
    stay.stayed = rules.days_stayed(stay.arrived_on, stay.left_on or today)
    stay.masked_id = mask_id_number(stay.id_number)
    return stay


STATES = [("in_station", "在站"), ("overdue", "已超期"), ("soon", "2天内到期"), ("all", "全部")]


@login_required
def stays(request):
    _require(request)
    today = timezone.localdate()
    state = request.GET.get("state", "in_station")
    rows = Stay.objects.select_related("person", "unidentified").order_by("due_on", "-id")
    if state in {"in_station", "overdue", "soon"}:
        rows = rows.filter(status=Stay.Status.IN_STATION)
    if state == "overdue":
        rows = rows.filter(due_on__lt=today)
    elif state == "soon":
        rows = rows.filter(due_on__gte=today, due_on__lte=today + timedelta(days=2))
    elif state == "all":
        rows = rows.order_by("-arrived_on", "-id")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "救助记录.xlsx",
            [
                "救助编号",
                "姓名",
                "身份证号",
                "入站日期",
                "期满日",
                "状态",
                "发现地点",
                "来站方式",
                "此前受助次数",
                "去向",
            ],
            (
                [
                    s.number,
                    mask_name(s.display_name),
                    mask_id_number(s.id_number),
                    s.arrived_on,
                    s.due_on,
                    str(s.get_status_display()),
                    s.found_place,
                    str(s.get_referral_display()),
                    s.previous_stays,
                    s.destination,
                ]
                for s in rows.iterator()
            ),
            "救助记录",
        )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for stay in page:
        _annotate(stay, today)
    return render(request, "rescue/stays.html", {"page": page, "state": state, "states": STATES})


class IntakeForm(forms.Form):
    arrived_on = forms.DateField(label="入站日期", widget=forms.DateInput(attrs={"type": "date"}))
    referral = forms.ChoiceField(label="来站方式", choices=Stay.Referral.choices)
    found_place = forms.CharField(label="发现地点", max_length=200)
    found_by = forms.CharField(label="护送或报告人、单位", max_length=100, required=False)
    stated_name = forms.CharField(label="姓名（自述）", max_length=50, required=False)
    id_number = forms.CharField(label="身份证号（如有）", max_length=18, required=False)
    sex = forms.ChoiceField(label="性别", choices=[("", "不详"), ("M", "男"), ("F", "女")], required=False)
    hometown = forms.CharField(label="自述户籍地或家庭住址", max_length=200, required=False)
    health = forms.CharField(label="健康状况", max_length=200, required=False)
    needs = forms.CharField(label="救助需求", max_length=200, required=False)


@login_required
def intake(request):
    """入站登记: someone with a name or ID; someone unidentified is recorded first (unidentified_new)."""
    _require(request)
    unidentified = None
    wanted = request.GET.get("unidentified") or request.POST.get("unidentified") or ""
    if wanted:
        if not wanted.isdigit():
            raise Http404
        unidentified = get_object_or_404(UnidentifiedPerson.objects, pk=int(wanted))
    form = _styled(IntakeForm(request.POST or None, initial={"arrived_on": timezone.localdate()}))
    if unidentified is not None and request.method == "GET":
        form.initial.update(
            {
                "found_place": unidentified.found_place,
                "found_by": unidentified.found_by,
                "sex": unidentified.sex,
                "arrived_on": unidentified.found_on,
            }
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        id_number = (data.get("id_number") or "").strip().upper()
        person = Person.objects.filter(id_number=id_number).first() if id_number else None
        try:
            stay = services.intake(
                user=request.user,
                area_code=request.user.area_code,
                arrived_on=data["arrived_on"],
                found_place=data["found_place"],
                referral=data["referral"],
                found_by=data.get("found_by", ""),
                person=person,
                id_number=id_number,
                stated_name=data.get("stated_name", ""),
                sex=data.get("sex", ""),
                hometown=data.get("hometown", ""),
                health=data.get("health", ""),
                needs=data.get("needs", ""),
                unidentified=unidentified,
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            repeat = f"；此前已受助{stay.previous_stays}次（重复受助）" if stay.previous_stays else ""
            messages.success(request, f"已入站登记{stay.number}，救助期满日{stay.due_on:%Y-%m-%d}{repeat}")
            return redirect("rescue:stay_detail", stay.pk)
    return render(
        request,
        "rescue/intake.html",
        {"form": form, "unidentified": unidentified},
        status=400 if request.method == "POST" else 200,
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label="延长天数", min_value=1, max_value=365)
    reason = forms.CharField(label="延长理由", max_length=200)


class ReturnForm(forms.Form):
    left_on = forms.DateField(label="离站日期", widget=forms.DateInput(attrs={"type": "date"}))
    destination = forms.CharField(label="返乡目的地", max_length=200)
    escort = forms.CharField(label="护送方式", max_length=100, required=False)
    handed_to = forms.CharField(label="交接单位或接收人", max_length=100)
    note = forms.CharField(label="交接情况", max_length=200, required=False)


class PlaceForm(forms.Form):
    left_on = forms.DateField(label="离站日期", widget=forms.DateInput(attrs={"type": "date"}))
    placement = forms.ModelChoiceField(label="安置机构", queryset=None, empty_label="请选择")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = Organisation.objects.filter(
            kind__in=[Organisation.Kind.ELDERLY_INSTITUTION, Organisation.Kind.CHILD_WELFARE, Organisation.Kind.OTHER]
        )


class LeaveForm(forms.Form):
    left_on = forms.DateField(label="离站日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", max_length=200, required=False)


@login_required
def stay_detail(request, pk: int):
    _require(request)
    today = timezone.localdate()
    stay = _annotate(
        get_object_or_404(Stay.objects.select_related("person", "unidentified", "placement"), pk=pk), today
    )
    earlier = services.earlier_stays(person=stay.person, id_number=stay.id_number, unidentified=stay.unidentified)
    context = {
        "stay": stay,
        "earlier": earlier.exclude(pk=stay.pk).order_by("-arrived_on")[:10],
        "extend_form": _styled(ExtendForm()),
        "return_form": _styled(ReturnForm(initial={"left_on": today, "destination": stay.hometown})),
        "place_form": _styled(PlaceForm(initial={"left_on": today})),
        "leave_form": _styled(LeaveForm(initial={"left_on": today})),
        "can_extend": request.user.can(EXTEND_STAYS),
    }
    return render(request, "rescue/stay_detail.html", context)


@login_required
@require_POST
def stay_action(request, pk: int, action: str):
    _require(request)
    stay = get_object_or_404(Stay.objects, pk=pk)
    forms_by_action = {"extend": ExtendForm, "return": ReturnForm, "place": PlaceForm, "leave": LeaveForm}
    if action == "notice":
        services.publish_notice(stay, user=request.user)
        return redirect("rescue:notice", stay.pk)
    if action not in forms_by_action:
        raise Http404
    form = forms_by_action[action](request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items() if f in form.fields)
            or "填写有误",
        )
        return redirect("rescue:stay_detail", stay.pk)
    data = form.cleaned_data
    try:
        if action == "extend":
            stay = services.extend(stay, days=data["days"], reason=data["reason"], user=request.user)
            messages.success(request, f"已延长救助期限{data['days']}天，期满日改为{stay.due_on:%Y-%m-%d}")
        elif action == "return":
            services.return_home(
                stay,
                user=request.user,
                left_on=data["left_on"],
                destination=data["destination"],
                escort=data.get("escort", ""),
                handed_to=data["handed_to"],
                note=data.get("note", ""),
            )
            messages.success(request, "已登记护送返乡及交接")
        elif action == "place":
            services.place(
                stay, user=request.user, left_on=data["left_on"], placement=data["placement"], note=data.get("note", "")
            )
            messages.success(request, "已登记长期安置")
        else:
            services.leave(stay, user=request.user, left_on=data["left_on"], note=data.get("note", ""))
            messages.success(request, "已登记自行离站")
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("rescue:stay_detail", stay.pk)


@login_required
def notice(request, pk: int):
    """寻亲公告: a printable page (photo, description, features, where and when found, the station)."""
    _require(request)
    stay = get_object_or_404(Stay.objects.select_related("unidentified"), pk=pk)
    return render(request, "rescue/notice.html", {"stay": stay, "station": request.user.unit})


# --------------------------------------------------------------------- persons not yet identified


class UnidentifiedForm(forms.Form):
    found_on = forms.DateField(label="发现日期", widget=forms.DateInput(attrs={"type": "date"}))
    found_place = forms.CharField(label="发现地点", max_length=200)
    found_by = forms.CharField(label="发现人或送交单位", max_length=100, required=False)
    sex = forms.ChoiceField(label="性别", choices=[("", "不详"), ("M", "男"), ("F", "女")], required=False)
    estimated_age = forms.IntegerField(label="估计年龄", min_value=0, max_value=120, required=False)
    name_given = forms.CharField(label="自述姓名（未核实）", max_length=50, required=False)
    features = forms.CharField(
        label="体貌特征", max_length=300, required=False, help_text="身高、体型、口音、衣着、疤痕等"
    )
    description = forms.CharField(label="情况描述", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label="照片（JPG或PNG）", required=False)
    stay = forms.BooleanField(label="同时入站救助", required=False, initial=True)


@login_required
def unidentified_list(request):
    _require(request)
    rows = UnidentifiedPerson.objects.select_related("identified_as").order_by("-found_on", "-id")
    state = request.GET.get("state", "open")
    if state == "open":
        rows = rows.filter(identified_as__isnull=True)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "rescue/unidentified_list.html", {"page": page, "state": state})


@login_required
def unidentified_new(request):
    _require(request)
    form = _styled(
        UnidentifiedForm(
            request.POST or None, request.FILES or None, initial={"found_on": timezone.localdate(), "stay": True}
        )
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = registry_unidentified.record_unidentified(
                area_code=request.user.area_code,
                found_place=data["found_place"],
                found_on=data["found_on"],
                user=request.user,
                sex=data.get("sex", ""),
                estimated_age=data.get("estimated_age"),
                name_given=data.get("name_given", ""),
                description=data.get("description", ""),
                features=data.get("features", ""),
                found_by=data.get("found_by", ""),
                photo=data.get("photo"),
            )
            if data.get("stay"):
                stay = services.intake(
                    user=request.user,
                    area_code=request.user.area_code,
                    arrived_on=data["found_on"],
                    found_place=data["found_place"],
                    referral=Stay.Referral.STREET if not data.get("found_by") else Stay.Referral.PUBLIC,
                    found_by=data.get("found_by", ""),
                    sex=data.get("sex", ""),
                    stated_name=data.get("name_given", ""),
                    health=(data.get("description") or "")[:200],
                    unidentified=row,
                )
                messages.success(request, f"已登记{row.number}并入站救助{stay.number}，期满日{stay.due_on:%Y-%m-%d}")
            else:
                messages.success(request, f"已登记身份不明人员{row.number}")
        except DomainError as error:
            messages.error(request, str(error))
        else:
            return redirect("rescue:unidentified_detail", row.pk)
    return render(
        request, "rescue/unidentified_form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@login_required
def unidentified_detail(request, pk: int):
    """A person not yet identified: what is known, identity search (registry by name, sex and age; earlier
    records by features), and the merge once identified."""
    _require(request)
    row = get_object_or_404(UnidentifiedPerson.objects.select_related("identified_as", "identified_by"), pk=pk)
    name = (request.GET.get("name") or row.name_given or "").strip()[:20]
    age = row.estimated_age
    candidates = (
        services.search_registry(name=name, sex=row.sex, age=age) if (name or request.GET.get("search")) else []
    )
    for person in candidates:
        person.masked_id = mask_id_number(person.id_number)
    similar, similar_stays = services.search_by_features(request.GET.get("features") or row.features)
    similar = [u for u in similar if u.pk != row.pk]
    stays = Stay.objects.filter(unidentified=row).order_by("-arrived_on")
    return render(
        request,
        "rescue/unidentified_detail.html",
        {
            "row": row,
            "name": name,
            "candidates": candidates,
            "similar": similar,
            "similar_stays": [s for s in similar_stays if s.unidentified_id != row.pk],
            "stays": stays,
            "features": request.GET.get("features") or row.features,
        },
    )


@login_required
@require_POST
def unidentified_identify(request, pk: int):
    _require(request)
    row = get_object_or_404(UnidentifiedPerson.objects, pk=pk)
    try:
        person = Person.objects.get(pk=int(request.POST.get("person", "0")))
    except (ValueError, Person.DoesNotExist):
        messages.error(request, "请从查找结果中选择居民")
        return redirect("rescue:unidentified_detail", row.pk)
    try:
        done = registry_unidentified.identify(row, person, user=request.user, how=request.POST.get("how", ""))
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("rescue:unidentified_detail", row.pk)
    messages.success(request, "；".join(done))
    return redirect("rescue:unidentified_detail", row.pk)


@login_required
def unidentified_photo(request, pk: int):
    _require(request)
    row = get_object_or_404(UnidentifiedPerson.objects, pk=pk)
    if not row.photo:
        raise Http404
    kind = "image/png" if row.photo.name.endswith(".png") else "image/jpeg"
    return FileResponse(row.photo.open("rb"), content_type=kind)


# --------------------------------------------------------------------- statistics


@login_required
def statistics(request):
    _require(request, VIEW_RESCUE_STATISTICS)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year:
        year = today.year
    rows = services.monthly_statistics(year, today)
    headers = [
        "月份",
        "入站人次",
        "其中重复受助",
        "其中身份不明",
        "护送返乡",
        "长期安置",
        "自行离站",
        "在站人天数",
        "月末在站",
        "超期离站",
    ]

    def cells(r):
        return [
            f"{r.month:%Y年%m月}",
            r.arrivals,
            r.repeat_arrivals,
            r.unidentified,
            r.returned,
            r.placed,
            r.left,
            r.person_days,
            r.in_station_at_end,
            r.overdue_exits,
        ]

    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"救助管理统计{year}.xlsx", headers, (cells(r) for r in rows), "按月统计")
    return render(
        request,
        "rescue/statistics.html",
        {
            "rows": [cells(r) for r in rows],
            "headers": headers,
            "year": year,
            "years": range(today.year, today.year - 5, -1),
        },
    )
