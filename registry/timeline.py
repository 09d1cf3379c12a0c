"""One timeline for a person or a household (360° page), assembled from pluggable providers.

Each app that has something to say about a person or a household registers a provider:

    from registry.timeline import TimelineEvent, register_timeline_provider

    @register_timeline_provider
    def application_events(subject):
        if isinstance(subject, Person): ...
        yield TimelineEvent(at=..., kind="application", title="受理低保申请", detail="...", url="...")

A provider receives a Person or a Household (already loaded through the scoped manager) and
yields TimelineEvent rows; it must query through scoped managers too. Registry's own provider
(below) yields registration, membership changes, documents and the audited field changes.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from registry.models import Document, Household, Membership, Person

Subject = Person | Household


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # registration / membership / document / change / view / (later) application, benefit, payment ...
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""
    changes: tuple[tuple[str, str, str], ...] = ()  # (field label, old, new)


Provider = Callable[[Subject], Iterable[TimelineEvent]]
_PROVIDERS: list[Provider] = []


def register_timeline_provider(func: Provider) -> Provider:
    """Add a provider (usable as a decorator); registering the same function twice is harmless."""
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def timeline_for(subject: Subject, limit: int = 500) -> list[TimelineEvent]:
    """Every provider's events for the subject, newest first."""
    events: list[TimelineEvent] = []
    for provider in _PROVIDERS:
        events.extend(provider(subject))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]


def as_datetime(day: date | datetime) -> datetime:
    """Dates (start of membership, validity) sort alongside timestamps at the start of that day."""
    if isinstance(day, datetime):
        return day
    return timezone.make_aware(datetime.combine(day, time.min))


# --- audited field changes -------------------------------------------------------------------

_MODELS = {
    "registry.person": Person,
    "registry.household": Household,
    "registry.membership": Membership,
    "registry.document": Document,
}
_HIDDEN_FIELDS = {"name_pinyin", "name_initials", "created_at", "updated_at", "uploaded_at", "id"}


def _field_label(model, attname: str) -> tuple[str, object]:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return str(field.verbose_name), field
    return attname, None


def _display(field, value) -> str:
    if value in (None, ""):
        return "（空）"
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.choices}
        return labels.get(str(value), str(value))
    if field is not None and field.get_internal_type() == "BooleanField":
        return "是" if str(value) == "True" else "否"
    return str(value)


def describe_changes(object_type: str, changes: dict) -> tuple[tuple[str, str, str], ...]:
    """AuditEntry.changes {attname: [old, new]} → ((中文字段名, old, new), ...)."""
    model = _MODELS.get(object_type)
    rows = []
    for attname, values in changes.items():
        if attname in _HIDDEN_FIELDS or not isinstance(values, list) or len(values) != 2:
            continue
        label, field = _field_label(model, attname) if model else (attname, None)
        rows.append((label, _display(field, values[0]), _display(field, values[1])))
    return tuple(rows)


_ACTION_TITLES = {
    AuditEntry.Action.UPDATE: "修改",
    AuditEntry.Action.DELETE: "删除",
    AuditEntry.Action.VIEW_PERSONAL_DATA: "查看完整信息",
    AuditEntry.Action.EXPORT: "导出",
}
_TYPE_TITLES = {
    "registry.person": "居民信息",
    "registry.household": "家庭户信息",
    "registry.membership": "成员关系",
    "registry.document": "证照材料",
}


def _audit_events(targets: list[tuple[str, list[int]]]) -> Iterable[TimelineEvent]:
    condition = Q(pk__in=[])
    for object_type, ids in targets:
        if ids:
            condition |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    entries = (
        AuditEntry.objects.filter(condition)
        .filter(action__in=list(_ACTION_TITLES))
        .order_by("-id")
        .only("created_at", "username", "unit_name", "action", "object_type", "object_repr", "changes")[:300]
    )
    for entry in entries:
        changes = describe_changes(entry.object_type, entry.changes)
        if entry.action == AuditEntry.Action.UPDATE and not changes:
            continue
        fields = entry.changes.get("fields") if entry.action == AuditEntry.Action.VIEW_PERSONAL_DATA else None
        # A document's repr carries its number (often an ID number): never shown unmasked here.
        detail = entry.object_repr if entry.object_type != "registry.document" else ""
        if fields:
            detail = f"{detail}：{'、'.join(_field_names(entry.object_type, fields))}".lstrip("：")
        yield TimelineEvent(
            at=entry.created_at,
            kind="view" if entry.action == AuditEntry.Action.VIEW_PERSONAL_DATA else "change",
            title=f"{_ACTION_TITLES[entry.action]}{_TYPE_TITLES.get(entry.object_type, '')}",
            detail=detail,
            actor=f"{entry.username}（{entry.unit_name}）" if entry.unit_name else entry.username,
            changes=changes,
        )


def _field_names(object_type: str, attnames: list[str]) -> list[str]:
    model = _MODELS.get(object_type)
    return [_field_label(model, name)[0] if model else name for name in attnames]


# --- registry's own provider -----------------------------------------------------------------


def _membership_events(memberships, for_person: bool) -> Iterable[TimelineEvent]:
    for m in memberships:
        other = str(m.household) if for_person else m.person.name
        url = (
            reverse("registry:household_detail", args=[m.household_id])
            if for_person
            else reverse("registry:person_detail", args=[m.person_id])
        )
        yield TimelineEvent(
            at=as_datetime(m.start_date),
            kind="membership",
            title=f"加入{other}" if for_person else f"{other}入户",
            detail=f"与户主关系：{m.get_relation_display()}",
            url=url,
        )
        if m.end_date:
            yield TimelineEvent(
                at=as_datetime(m.end_date),
                kind="membership",
                title=f"离开{other}" if for_person else f"{other}离户",
                detail=m.end_reason,
                url=url,
            )


def _document_events(documents) -> Iterable[TimelineEvent]:
    for d in documents:
        validity = f"，有效期至{d.valid_until:%Y-%m-%d}" if d.valid_until else ""
        yield TimelineEvent(
            at=d.uploaded_at,
            kind="document",
            title=f"采集{d.doc_type.name}",
            detail=f"发证机关：{d.issued_by or '—'}{validity}{'' if d.is_current else '（已被新版本替换）'}",
            url=reverse("registry:document_file", args=[d.pk]) if d.file else "",
            actor=str(d.uploaded_by) if d.uploaded_by_id else "",
        )


@register_timeline_provider
def registry_events(subject: Subject) -> Iterable[TimelineEvent]:
    if isinstance(subject, Person):
        yield TimelineEvent(at=subject.created_at, kind="registration", title="登记入库", detail=subject.name)
        memberships = list(Membership.objects.filter(person=subject).select_related("household__head"))
        documents = list(Document.objects.filter(person=subject).select_related("doc_type", "uploaded_by"))
        yield from _membership_events(memberships, for_person=True)
        targets = [("registry.person", [subject.pk])]
    else:
        yield TimelineEvent(at=subject.created_at, kind="registration", title="立户登记", detail=subject.number)
        memberships = list(Membership.objects.filter(household=subject).select_related("person"))
        documents = list(Document.objects.filter(household=subject).select_related("doc_type", "uploaded_by"))
        yield from _membership_events(memberships, for_person=False)
        targets = [("registry.household", [subject.pk])]
    yield from _document_events(documents)
    targets += [("registry.membership", [m.pk for m in memberships]), ("registry.document", [d.pk for d in documents])]
    yield from _audit_events(targets)
