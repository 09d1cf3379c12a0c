"""Catalogue services: loading the shipped items, publishing a new workflow version, picking the
version in force, and which items a window may accept."""

from datetime import date

from django.db import transaction

from areas.codes import level_of
from cases.catalogue_data import CATALOGUE_EFFECTIVE_FROM, ITEMS
from cases.errors import CaseCode
from cases.models import ServiceItem, ServiceItemVersion, StepDefinition, SupervisionPolicy
from core.errors import DomainError
from registry.models import DocumentType

WINDOW_LEVEL = {"village": "village", "grid": "village", "township": "township", "county": "county"}


@transaction.atomic
def load_service_catalogue(effective_from: date = CATALOGUE_EFFECTIVE_FROM) -> int:
    """Create every shipped item that is not in the database yet; returns how many were created."""
    if not SupervisionPolicy.objects.exists():
        SupervisionPolicy.objects.create(effective_from=effective_from)
    existing = set(ServiceItem.objects.values_list("code", flat=True))
    known_types = set(DocumentType.objects.values_list("code", flat=True))
    created = 0
    for order, spec in enumerate(ITEMS):
        if spec["code"] in existing:
            continue
        item = ServiceItem.objects.create(
            code=spec["code"],
            name=spec["name"],
            category=spec["category"],
            accept_levels=spec["levels"],
            community_level=spec.get("community", False),
            sort_order=order * 10,
        )
        _create_version(item, 1, effective_from, spec, known_types)
        created += 1
    return created


def _create_version(item: ServiceItem, number: int, effective_from: date, spec: dict, known_types: set[str]):
    """A version as the catalogue data says: an item needs a public notice exactly when its workflow
    has a notice step, and then its 公示期 must be given (no default period)."""
    notice_days = spec.get("notice_days") or 0
    notice_required = any(s["kind"] == StepDefinition.Kind.NOTICE for s in spec["steps"])
    if notice_required and not notice_days:
        raise DomainError(
            CaseCode.NOTICE_PERIOD_MISSING, f"服务事项“{item.name}”设有公示环节，但未设定公示期天数（notice_days）"
        )
    version = ServiceItemVersion.objects.create(
        item=item,
        number=number,
        effective_from=effective_from,
        total_limit_wd=spec["total"],
        extended_limit_wd=spec.get("extended"),
        notice_required=notice_required,
        notice_days=notice_days if notice_required else 0,
        notice_pauses_clock=spec.get("notice_pauses", False),
        refusal_notice_wd=spec.get("refusal_notice_wd"),
        basis=spec.get("basis", ""),
    )
    version.required_documents.set([code for code in spec["documents"] if code in known_types])
    for order, s in enumerate(spec["steps"], start=1):
        StepDefinition.objects.create(
            version=version,
            order=order,
            code=s["code"],
            name=s["name"],
            kind=s["kind"],
            level=s["level"],
            role=s["role"],
            limit_wd=s["limit"],
            calendar_days=s.get("calendar_days"),
            pauses_case_clock=s.get("pauses", False),
            joint_departments=s.get("joint", []),
        )
    return version


@transaction.atomic
def publish_version(
    item: ServiceItem,
    *,
    effective_from: date,
    steps: list[dict],
    total_limit_wd: int,
    documents: list[str] | None = None,
    notice_days: int | None = None,
    notice_pauses_clock: bool | None = None,
    note: str = "",
) -> ServiceItemVersion:
    """A new workflow for an item from `effective_from` on. Cases already accepted keep theirs."""
    current = item.versions.order_by("-number").first()
    if current and effective_from < current.effective_from:
        raise DomainError(CaseCode.VERSION_BACKDATED, "新版本的生效日期不能早于现行版本")
    spec = {
        "total": total_limit_wd,
        "extended": current.extended_limit_wd if current else None,
        "notice_days": notice_days if notice_days is not None else (current.notice_days if current else 0),
        "notice_pauses": notice_pauses_clock
        if notice_pauses_clock is not None
        else (current.notice_pauses_clock if current else False),
        "refusal_notice_wd": current.refusal_notice_wd if current else None,
        "basis": current.basis if current else "",
        "documents": documents if documents is not None else (current.required_codes() if current else []),
        "steps": steps,
    }
    version = _create_version(
        item,
        (current.number + 1) if current else 1,
        effective_from,
        spec,
        set(DocumentType.objects.values_list("code", flat=True)),
    )
    if note:
        ServiceItemVersion.objects.filter(pk=version.pk).update(note=note)
    return version


def current_version(item: ServiceItem, on_date: date) -> ServiceItemVersion:
    version = item.version_on(on_date)
    if version is None:
        raise DomainError(CaseCode.NO_VERSION, f"“{item.name}”在{on_date}没有生效的办理流程")
    return version


# Materials and steps of versions that cases already use: frozen (`ServiceItemVersion.in_use`), so a
# process keeps them instead of reading them again for every acceptance. Keyed with the creation
# time too, so a primary key reused after rows were deleted (tests) never finds another version's.
_frozen_rules: dict[tuple[int, object], tuple[list[str], list[StepDefinition]]] = {}


def version_rules(version: ServiceItemVersion) -> tuple[list[str], list[StepDefinition]]:
    """(required document codes, step definitions in order) of a version."""
    key = (version.pk, version.created_at)
    rules = _frozen_rules.get(key)
    if rules is None:
        rules = (version.required_codes(), list(version.steps.order_by("order")))
    return rules


def remember_rules(version: ServiceItemVersion, rules: tuple[list[str], list[StepDefinition]]) -> None:
    """Once a case on `version` is committed the version is frozen: keep its rules from then on."""
    key = (version.pk, version.created_at)
    if key not in _frozen_rules:
        transaction.on_commit(lambda: _frozen_rules.setdefault(key, rules))


def window_level(unit_area_code: str) -> str:
    """The level of a window from its unit's area: village, township or county."""
    return WINDOW_LEVEL.get(level_of(unit_area_code), "county")


def items_for_window(unit_area_code: str):
    """Items a window at this area may accept (its level is among the item's accept levels)."""
    level = window_level(unit_area_code)
    return [
        item
        for item in ServiceItem.objects.filter(is_active=True)
        if level in item.accept_levels and item.applies_to(unit_area_code)
    ]
