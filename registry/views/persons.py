"""Residents: the list (search, filters, export) and the 360° page with its actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from audit.services import record_personal_data_view
from core.errors import DomainError
from core.masking import mask_id_number, mask_phone
from jobs.exports import export_response
from registry import services
from registry.errors import RegistryCode
from registry.forms import DeathForm, DocumentForm, MoveForm, PersonEditForm, PersonFilterForm
from registry.models import Document, DocumentType, Membership, Person, with_current_household
from registry.timeline import timeline_for
from registry.views.common import (
    add_registry_error,
    area_names,
    attach_from_form,
    export_is_full,
    paginate,
    record_export,
    require_unmask,
    searched_person_ids,
    wants_export,
)


def person_queryset(form: PersonFilterForm):
    queryset = Person.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            queryset = queryset.filter(pk__in=searched_person_ids(data["q"]))
        if data["area"]:
            queryset = queryset.in_area(data["area"].code)
        if data["sex"]:
            queryset = queryset.filter(sex=data["sex"])
        if data["disability"] == "any":
            queryset = queryset.exclude(disability_type="")
        elif data["disability"] == "none":
            queryset = queryset.filter(disability_type="")
        elif data["disability"]:
            queryset = queryset.filter(disability_type=data["disability"])
        if data["life_status"]:
            queryset = queryset.filter(life_status=data["life_status"])
    return with_current_household(queryset.order_by("area_code", "name", "id"))


PERSON_EXPORT_HEADERS = [
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "民族",
    "联系电话",
    "区划代码",
    "户编号",
    "与户主关系",
    "残疾类别",
    "残疾等级",
    "劳动能力",
    "生存状态",
    "死亡日期",
]


def _export_row(person: Person, full: bool) -> list:
    membership = person.current_household
    return [
        person.name,
        person.id_number if full else mask_id_number(person.id_number),
        person.get_sex_display(),
        person.birth_date,
        person.ethnicity,
        person.phone if full else mask_phone(person.phone),
        person.area_code,
        membership.number if membership else "",
        membership.get_relation_display() if membership else "",
        person.get_disability_type_display() if person.disability_type else "",
        f"{person.disability_grade}级" if person.disability_grade else "",
        person.get_labour_capacity_display(),
        person.get_life_status_display(),
        person.death_date or "",
    ]


PERSON_EXPORT = "registry.persons"


def person_export(params: dict, user):
    """The resident list's export (jobs.exports): a county's 300,000 residents are written by the worker."""
    queryset = person_queryset(PersonFilterForm(params or None, user=user))
    full = params.get("full") == "1" and user.can(Capability.UNMASK_PERSONAL_DATA)
    rows = (_export_row(p, full) for p in queryset.iterator(chunk_size=2000))
    return PERSON_EXPORT_HEADERS, rows, queryset.count()


@login_required
def person_list(request):
    form = PersonFilterForm(request.GET or None, user=request.user)
    queryset = person_queryset(form)
    if wants_export(request):
        full = export_is_full(request)
        record_export(request, "registry.person", "居民名单", full)
        return export_response(request, PERSON_EXPORT)
    page = paginate(request, queryset)
    names = area_names(p.area_code for p in page)
    for person in page:
        person.masked_id = mask_id_number(person.id_number)
        person.masked_phone = mask_phone(person.phone)
        person.area_name = names.get(person.area_code, person.area_code)
        person.membership = person.current_household
    context = {
        "form": form,
        "page": page,
        "can_unmask": request.user.can(Capability.UNMASK_PERSONAL_DATA),
    }
    return render(request, "registry/person_list.html", context)


def _person_context(request, person: Person, **extra) -> dict:
    today = timezone.localdate()
    memberships = list(
        Membership.objects.filter(person=person).select_related("household__head").order_by("-start_date", "-id")
    )
    current = next((m for m in memberships if m.end_date is None), None)
    housemates = list(current.household.current_memberships()) if current else []
    documents = list(Document.objects.filter(person=person).select_related("doc_type").order_by("-uploaded_at"))
    held = {d.doc_type_id for d in documents if d.is_current}
    unmasked = extra.pop("unmasked", False)
    for document in documents:
        document.expired = bool(document.valid_until and document.valid_until < today)
        document.number_display = document.number if unmasked else mask_id_number(document.number)
    context = {
        "person": person,
        "unmasked": unmasked,
        "id_display": person.id_number if unmasked else mask_id_number(person.id_number),
        "phone_display": person.phone if unmasked else mask_phone(person.phone),
        "area_name": area_names([person.area_code]).get(person.area_code, person.area_code),
        "memberships": memberships,
        "current": current,
        "housemates": housemates,
        "documents": documents,
        "missing_types": DocumentType.objects.filter(holder=DocumentType.Holder.PERSON).exclude(code__in=held),
        "timeline": timeline_for(person),
        "can_unmask": request.user.can(Capability.UNMASK_PERSONAL_DATA),
        "document_form": DocumentForm(holder=DocumentType.Holder.PERSON),
        "death_form": DeathForm(),
        "move_form": MoveForm(initial={"on_date": today}),
    }
    context.update(extra)
    return context


@login_required
def person_detail(request, pk: int):
    person = get_object_or_404(Person.objects, pk=pk)
    return render(request, "registry/person_detail.html", _person_context(request, person))


@login_required
@require_POST
def person_unmask(request, pk: int):
    person = get_object_or_404(Person.objects, pk=pk)
    require_unmask(request.user)
    record_personal_data_view(person, ["id_number", "phone"], reason=request.POST.get("reason", ""))
    return render(request, "registry/person_detail.html", _person_context(request, person, unmasked=True))


@login_required
def person_edit(request, pk: int):
    person = get_object_or_404(Person.objects, pk=pk)
    form = PersonEditForm(request.POST or None, instance=person, user=request.user)
    if request.method == "GET" and form.revealed_fields:
        record_personal_data_view(person, form.revealed_fields, reason="打开编辑表单")
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if changed:
            try:
                services.update_person(Person.objects.get(pk=pk), user=request.user, **changed)
            except DomainError as error:
                add_registry_error(form, error)
                return render(request, "registry/person_edit.html", {"form": form, "person": person})
            messages.success(request, "已保存修改。")
        return redirect("registry:person_detail", pk=pk)
    return render(request, "registry/person_edit.html", {"form": form, "person": person})


@login_required
@require_POST
def person_death(request, pk: int):
    person = get_object_or_404(Person.objects, pk=pk)
    form = DeathForm(request.POST)
    if form.is_valid():
        try:
            done = services.register_death(person, died_on=form.cleaned_data["death_date"], user=request.user)
        except DomainError as error:
            add_registry_error(form, error)
        else:
            messages.success(request, "；".join([f"已登记{person.name}死亡", *done]) + "。")
            return redirect("registry:person_detail", pk=pk)
    return render(request, "registry/person_detail.html", _person_context(request, person, death_form=form))


@login_required
@require_POST
def person_move(request, pk: int):
    person = get_object_or_404(Person.objects, pk=pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.move_person(
                person,
                to=data["household_number"],
                relation=data["relation"],
                on_date=data["on_date"],
                reason=data["reason"] or "迁入",
            )
        except DomainError as error:
            add_registry_error(form, error, field="relation" if error.code == RegistryCode.TWO_HEADS else None)
        else:
            messages.success(request, f"{person.name}已迁入{data['household_number']}。")
            return redirect("registry:person_detail", pk=pk)
    return render(request, "registry/person_detail.html", _person_context(request, person, move_form=form))


@login_required
@require_POST
def person_document(request, pk: int):
    person = get_object_or_404(Person.objects, pk=pk)
    form = DocumentForm(request.POST, request.FILES, holder=DocumentType.Holder.PERSON)
    if attach_from_form(request, form, person=person):
        return redirect("registry:person_detail", pk=pk)
    return render(request, "registry/person_detail.html", _person_context(request, person, document_form=form))
