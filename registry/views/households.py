"""Households: the list, registering a household with its members, the 360° page and its actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from audit.services import record_personal_data_view
from core.errors import DomainError
from core.masking import mask_address, mask_bank_account, mask_id_number, mask_phone
from jobs.exports import export_response
from registry import services
from registry.forms import (
    ChecklistForm,
    DocumentForm,
    HouseholdEditForm,
    HouseholdFilterForm,
    HouseholdForm,
    MemberFormSet,
    MergeForm,
    SplitForm,
    member_row_form,
)
from registry.models import Document, DocumentType, Household, Membership
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
from registry.views.intake import MemberRow, RowError, register_household_with_members


def household_queryset(form: HouseholdFilterForm):
    queryset = Household.objects.select_related("head")
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        status = data["status"]
        if q := data["q"].strip():
            people = searched_person_ids(q)
            in_household = Membership.objects.filter(person_id__in=people, end_date__isnull=True).values("household_id")
            queryset = queryset.filter(
                Q(pk__in=in_household) | Q(number=q) | Q(address__contains=q) | Q(head_id__in=people)
            )
        if data["area"]:
            queryset = queryset.in_area(data["area"].code)
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
    if status == "closed":
        queryset = queryset.filter(is_active=False)
    elif status != "all":
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("area_code", "number")


def with_sizes(households) -> None:
    """Each household's current size, for one page only: counting every household's members in
    the list query made the county leader's list group 320,000 memberships (1.9 s and more)."""
    ids = [h.pk for h in households]
    sizes = dict(
        Membership.objects.filter(household_id__in=ids, end_date__isnull=True)
        .values("household_id")
        .annotate(n=Count("id"))
        .values_list("household_id", "n")
    )
    for household in households:
        household.size = sizes.get(household.pk, 0)


HOUSEHOLD_EXPORT_HEADERS = [
    "户编号",
    "户主姓名",
    "户主身份证号",
    "家庭人口",
    "城乡类别",
    "家庭住址",
    "联系电话",
    "区划代码",
    "开户银行",
    "银行账户名称",
    "银行账号",
    "状态",
]


def _export_row(h: Household, full: bool) -> list:
    head_id = h.head.id_number if h.head_id else ""
    return [
        h.number,
        h.head.name if h.head_id else "",
        head_id if full else mask_id_number(head_id),
        h.size,
        h.get_kind_display(),
        h.address if full else mask_address(h.address),
        h.phone if full else mask_phone(h.phone),
        h.area_code,
        h.bank_name,
        h.bank_account_name,
        h.bank_account if full else mask_bank_account(h.bank_account),
        "有效" if h.is_active else "已撤销/合并",
    ]


HOUSEHOLD_EXPORT = "registry.households"


def household_export(params: dict, user):
    """The household list's export (jobs.exports): a county's is written by the worker."""
    form = HouseholdFilterForm(params or None, user=user)
    queryset = household_queryset(form)
    full = params.get("full") == "1" and user.can(Capability.UNMASK_PERSONAL_DATA)
    size = Count("memberships", filter=Q(memberships__end_date__isnull=True))
    rows = (_export_row(h, full) for h in queryset.annotate(size=size).iterator(chunk_size=2000))
    return HOUSEHOLD_EXPORT_HEADERS, rows, queryset.count()


@login_required
def household_list(request):
    form = HouseholdFilterForm(request.GET or None, user=request.user)
    queryset = household_queryset(form)
    if wants_export(request):
        full = export_is_full(request)
        record_export(request, "registry.household", "家庭户名单", full)
        return export_response(request, HOUSEHOLD_EXPORT)
    page = paginate(request, queryset)
    with_sizes(page.object_list)
    names = area_names(h.area_code for h in page)
    for household in page:
        household.masked_address = mask_address(household.address)
        household.masked_head_id = mask_id_number(household.head.id_number) if household.head_id else ""
        household.area_name = names.get(household.area_code, household.area_code)
    context = {"form": form, "page": page, "can_unmask": request.user.can(Capability.UNMASK_PERSONAL_DATA)}
    return render(request, "registry/household_list.html", context)


def _rows_from(formset) -> tuple[list[MemberRow], list[int]]:
    rows, indexes = [], []
    for index, form in enumerate(formset.forms):
        if not form.has_changed():
            continue
        data = form.cleaned_data
        rows.append(
            MemberRow(
                relation=data["relation"], name=data["name"], id_number=data["id_number"], fields=form.person_fields()
            )
        )
        indexes.append(index)
    return rows, indexes


@login_required
def household_new(request):
    form = HouseholdForm(request.POST or None, user=request.user, initial={"on_date": timezone.localdate()})
    formset = MemberFormSet(request.POST or None, prefix="members")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows, indexes = _rows_from(formset)
        data = form.cleaned_data
        try:
            household = register_household_with_members(
                rows=rows,
                area_code=data["area"].code,
                address=data["address"],
                on_date=data["on_date"],
                kind=data["kind"],
                phone=data["phone"],
                bank_name=data["bank_name"],
                bank_account_name=data["bank_account_name"],
                bank_account=data["bank_account"],
            )
        except RowError as exc:
            add_registry_error(formset.forms[indexes[exc.index]], exc.error)
        except DomainError as error:
            add_registry_error(form, error)
        else:
            messages.success(request, f"已登记{household}，共{len(rows)}人。")
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/household_form.html", {"form": form, "formset": formset})


@login_required
def household_member_row(request):
    """htmx: one more blank member row; the formset's TOTAL_FORMS goes up with it (out of band)."""
    try:
        index = int(request.GET.get("members-TOTAL_FORMS", "0"))
    except ValueError:
        index = 0
    index = max(1, min(index, 29))
    return render(request, "registry/_member_row.html", {"member": member_row_form(index), "index": index, "oob": True})


def _household_context(request, household: Household, **extra) -> dict:
    today = timezone.localdate()
    memberships = list(
        Membership.objects.filter(household=household).select_related("person").order_by("end_date", "relation", "id")
    )
    current = [m for m in memberships if m.end_date is None]
    for m in memberships:
        m.person.masked_id = mask_id_number(m.person.id_number)
        m.person.age = m.person.age_on(today)
    person_ids = [m.person_id for m in current]
    documents = list(
        Document.objects.filter(Q(household=household) | Q(person_id__in=person_ids, is_current=True))
        .select_related("doc_type", "person")
        .order_by("-uploaded_at")
    )
    checklist = ChecklistForm(request.GET if "required" in request.GET else None)
    missing = None
    if checklist.is_bound and checklist.is_valid():
        codes = [t.code for t in checklist.cleaned_data["required"]]
        missing = services.missing_documents(household, codes, today)
    unmasked = extra.pop("unmasked", False)
    for document in documents:
        document.expired = bool(document.valid_until and document.valid_until < today)
        document.number_display = document.number if unmasked else mask_id_number(document.number)
    context = {
        "household": household,
        "unmasked": unmasked,
        "bank_display": household.bank_account if unmasked else mask_bank_account(household.bank_account),
        "phone_display": household.phone if unmasked else mask_phone(household.phone),
        "area_name": area_names([household.area_code]).get(household.area_code, household.area_code),
        "current": current,
        "past": [m for m in memberships if m.end_date is not None],
        "documents": documents,
        "checklist": checklist,
        "missing": missing,
        "timeline": timeline_for(household),
        "can_unmask": request.user.can(Capability.UNMASK_PERSONAL_DATA),
        "document_form": DocumentForm(holder=DocumentType.Holder.HOUSEHOLD),
        "split_form": SplitForm(household=household, initial={"on_date": today, "address": household.address}),
        "merge_form": MergeForm(initial={"on_date": today}),
    }
    context.update(extra)
    return context


@login_required
def household_detail(request, pk: int):
    household = get_object_or_404(Household.objects.select_related("head"), pk=pk)
    return render(request, "registry/household_detail.html", _household_context(request, household))


@login_required
@require_POST
def household_unmask(request, pk: int):
    household = get_object_or_404(Household.objects.select_related("head"), pk=pk)
    require_unmask(request.user)
    record_personal_data_view(household, ["bank_account", "phone"], reason=request.POST.get("reason", ""))
    return render(request, "registry/household_detail.html", _household_context(request, household, unmasked=True))


@login_required
def household_edit(request, pk: int):
    household = get_object_or_404(Household.objects.select_related("head"), pk=pk)
    form = HouseholdEditForm(request.POST or None, instance=household, user=request.user)
    if request.method == "GET" and form.revealed_fields:
        record_personal_data_view(household, form.revealed_fields, reason="打开编辑表单")
    if request.method == "POST" and form.is_valid():
        if form.changed_data:
            services.update_household(household, **form.cleaned_data)
            messages.success(request, "已保存修改。")
        return redirect("registry:household_detail", pk=pk)
    return render(request, "registry/household_edit.html", {"form": form, "household": household})


@login_required
@require_POST
def household_split(request, pk: int):
    household = get_object_or_404(Household.objects.select_related("head"), pk=pk)
    form = SplitForm(request.POST, household=household)
    if form.is_valid():
        new_head, members = form.chosen()
        try:
            new = services.split_household(
                household,
                new_head=new_head,
                members=[services.NewMember(p, r) for p, r in members],
                address=form.cleaned_data["address"],
                on_date=form.cleaned_data["on_date"],
            )
        except DomainError as error:
            add_registry_error(form, error)
        else:
            messages.success(request, f"已分户：新户{new.number}，户主{new_head.name}。")
            return redirect("registry:household_detail", pk=new.pk)
    return render(request, "registry/household_detail.html", _household_context(request, household, split_form=form))


@login_required
@require_POST
def household_merge(request, pk: int):
    household = get_object_or_404(Household.objects.select_related("head"), pk=pk)
    form = MergeForm(request.POST)
    if form.is_valid():
        into = form.cleaned_data["into_number"]
        try:
            services.merge_households(household, into=into, on_date=form.cleaned_data["on_date"])
        except DomainError as error:
            add_registry_error(form, error, field="into_number")
        else:
            messages.success(request, f"已将{household.number}并入{into.number}。")
            return redirect("registry:household_detail", pk=into.pk)
    return render(request, "registry/household_detail.html", _household_context(request, household, merge_form=form))


@login_required
@require_POST
def household_document(request, pk: int):
    household = get_object_or_404(Household.objects.select_related("head"), pk=pk)
    form = DocumentForm(request.POST, request.FILES, holder=DocumentType.Holder.HOUSEHOLD)
    if attach_from_form(request, form, household=household):
        return redirect("registry:household_detail", pk=pk)
    return render(request, "registry/household_detail.html", _household_context(request, household, document_form=form))
