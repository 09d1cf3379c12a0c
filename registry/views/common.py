"""Helpers shared by the registry pages: search, export auditing, capability checks."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet

from accounts.roles import Capability
from audit.models import AuditEntry
from audit.services import record
from registry.errors import RegistryCode
from registry.search import search_ids

PAGE_SIZE = 50
SEARCH_LIMIT = 1000  # the search box narrows; the filters and pages do the rest


def searched_person_ids(query: str) -> list[int]:
    """The persons the one search box finds (scoped by registry.search)."""
    return search_ids(query, limit=SEARCH_LIMIT)


def paginate(request, queryset: QuerySet):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def wants_export(request) -> bool:
    return request.GET.get("export") == "xlsx"


def export_is_full(request) -> bool:
    """`full=1` exports unmasked values: only for staff allowed to see them, and it is logged."""
    if request.GET.get("full") != "1":
        return False
    if not request.user.can(Capability.UNMASK_PERSONAL_DATA):
        raise PermissionDenied("无权导出完整个人信息")
    return True


def record_export(request, object_type: str, title: str, full: bool) -> None:
    params = request.GET.copy()
    params.pop("export", None)
    record(
        AuditEntry.Action.EXPORT,
        object_type=object_type,
        object_repr=f"{title}导出{'（完整信息）' if full else '（脱敏）'}",
        area_code=request.user.area_code,
        changes={"filter": params.urlencode(), "full": full},
    )


def require_unmask(user) -> None:
    if not user.can(Capability.UNMASK_PERSONAL_DATA):
        raise PermissionDenied("无权查看完整个人信息")


def area_names(codes) -> dict[str, str]:
    """Area code → name for the codes shown on one page (one query)."""
    from areas.models import Area

    return dict(Area.objects.filter(code__in=set(codes)).values_list("code", "name"))


def add_registry_error(form, error, field: str | None = None) -> None:
    """Show a service's DomainError next to the field it concerns (or on top of the form)."""
    by_code = {
        RegistryCode.DUPLICATE_ID: "id_number",
        RegistryCode.ID_MISSING: "id_number",
        RegistryCode.ID_FORMAT: "id_number",
        RegistryCode.ID_NUMBER_MANGLED: "id_number",
        RegistryCode.ID_CHECK_DIGIT: "id_number",
        RegistryCode.ID_BIRTH_DATE: "id_number",
        RegistryCode.ID_MISMATCH: "id_number",
        RegistryCode.NAME_MISSING: "name",
        RegistryCode.ADDRESS_MISSING: "address",
        RegistryCode.AREA_INVALID: "area",
        RegistryCode.AREA_UNKNOWN: "area",
        RegistryCode.AREA_OUTSIDE_JURISDICTION: "area",
        RegistryCode.FILE_TOO_LARGE: "file",
        RegistryCode.FILE_TYPE: "file",
        RegistryCode.VALIDITY: "valid_until",
        RegistryCode.DEATH_DATE_MISSING: "death_date",
    }
    target = field or by_code.get(error.code)
    form.add_error(target if target in form.fields else None, error.message)


def attach_from_form(request, form, **holder) -> bool:
    """Put the uploaded document into the library for `holder` (person= or household=); a refusal
    lands on the form. Returns whether it was collected."""
    from django.contrib import messages

    from core.errors import DomainError
    from registry import services

    if not form.is_valid():
        return False
    try:
        services.attach_document(
            doc_type=form.cleaned_data["doc_type"],
            upload=form.cleaned_data["file"] or None,
            uploaded_by=request.user,
            **holder,
            **form.service_fields(),
        )
    except DomainError as error:
        add_registry_error(form, error)
        return False
    messages.success(request, f"已采集{form.cleaned_data['doc_type'].name}。")
    return True
