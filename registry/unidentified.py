"""Persons not yet identified (身份不明人员): recorded without an ID number, merged into the registry's
person once identified (docs/domain.md §12.4).

The merge keeps both histories: the unidentified row is never deleted, it names the person it turned
out to be (`identified_as`, date, who, on what evidence); the audit log holds one entry on each of the
two rows, and every line holding the unidentified row (the rescue station's stays) moves to the person
through `registry.hooks.person_identified`.
"""

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from registry import hooks
from registry.errors import RegistryCode
from registry.models import Person, UnidentifiedPerson

PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG")
MAX_PHOTO_BYTES = 5 * 1024 * 1024


def _next_number(area_code: str, on: date) -> str:
    prefix = f"WM{area_code[:6]}{on:%Y}"
    last = UnidentifiedPerson.unscoped.filter(number__startswith=prefix).aggregate(n=Max("number"))["n"]
    return f"{prefix}{(int(last[len(prefix) :]) + 1) if last else 1:05d}"


def default_label(sex: str, estimated_age: int | None) -> str:
    """无名氏（男，约60岁）: what staff call someone whose name nobody knows."""
    parts = [dict(UnidentifiedPerson.Sex.choices).get(sex or "", "性别不详")]
    if estimated_age:
        parts.append(f"约{estimated_age}岁")
    return f"无名氏（{'，'.join(str(p) for p in parts)}）"


def check_photo(upload) -> None:
    if upload is None:
        return
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(PHOTO_SIGNATURES):
        raise DomainError(RegistryCode.FILE_TYPE, "照片只接受JPG或PNG格式")
    if upload.size > MAX_PHOTO_BYTES:
        raise DomainError(RegistryCode.FILE_TOO_LARGE, "照片不能超过5MB")


@transaction.atomic
def record_unidentified(
    *,
    area_code: str,
    found_place: str,
    found_on: date | None,
    user=None,
    sex: str = "",
    estimated_age: int | None = None,
    name_given: str = "",
    description: str = "",
    features: str = "",
    found_by: str = "",
    photo=None,
    label: str = "",
) -> UnidentifiedPerson:
    """登记身份不明人员: where and when found are required; everything else as far as known."""
    if not (found_place or "").strip() or found_on is None:
        raise DomainError(RegistryCode.UNIDENTIFIED_FOUND, "请填写发现地点和发现日期")
    if found_on > timezone.localdate():
        raise DomainError(RegistryCode.UNIDENTIFIED_FOUND, "发现日期不能晚于今天")
    check_photo(photo)
    row = UnidentifiedPerson(
        area_code=area_code,
        number=_next_number(area_code, found_on),
        label=(label or "").strip() or default_label(sex, estimated_age),
        sex=sex or "",
        estimated_age=estimated_age,
        name_given=(name_given or "").strip(),
        description=(description or "").strip(),
        features=(features or "").strip()[:300],
        found_place=found_place.strip()[:200],
        found_on=found_on,
        found_by=(found_by or "").strip()[:100],
        recorded_by=user,
    )
    if photo is not None:
        row.photo = photo
    row.save()
    return row


@transaction.atomic
def identify(
    unidentified: UnidentifiedPerson, person: Person, *, user, how: str, on_date: date | None = None
) -> list[str]:
    """确认身份并合并: the unidentified row names the person; both rows get an audit entry naming the
    other; the lines above move their rows. Returns what they did, as sentences for the clerk."""
    unidentified = UnidentifiedPerson.unscoped.select_for_update().get(pk=unidentified.pk)
    if unidentified.identified_as_id is not None:
        raise DomainError(RegistryCode.UNIDENTIFIED_ALREADY, "该人员已确认身份，不能重复合并")
    if not (how or "").strip():
        raise DomainError(RegistryCode.UNIDENTIFIED_FOUND, "请填写确认身份的依据（如：家属辨认、指纹比对、公安核实）")
    on_date = on_date or timezone.localdate()
    unidentified.identified_as = person
    unidentified.identified_on = on_date
    unidentified.identified_by = user
    unidentified.identified_how = how.strip()[:200]
    unidentified.save()
    record(
        AuditEntry.Action.UPDATE,
        obj=person,
        changes={"identified_from": [None, unidentified.number], "how": unidentified.identified_how},
    )
    return [
        f"已确认身份：{unidentified.number}即{person.name}",
        *hooks.person_identified(unidentified, person, user=user),
    ]


def history_of(person: Person) -> list[UnidentifiedPerson]:
    """The records kept of a person before they were identified (for the person's page)."""
    return list(UnidentifiedPerson.unscoped.filter(identified_as=person).order_by("found_on"))


def _timeline(subject):
    """The person's page shows the record kept before they were identified, and the identification."""
    from registry.timeline import TimelineEvent, as_datetime

    if not isinstance(subject, Person):
        return
    for row in UnidentifiedPerson.unscoped.filter(identified_as=subject).select_related("identified_by"):
        yield TimelineEvent(
            at=as_datetime(row.found_on),
            kind="unidentified",
            title=f"以身份不明人员登记：{row.number} {row.label}",
            detail=f"发现于{row.found_place}" + (f"，{row.found_by}送交" if row.found_by else ""),
        )
        yield TimelineEvent(
            at=as_datetime(row.identified_on),
            kind="identified",
            title=f"确认身份，{row.number}并入本档案",
            detail=row.identified_how,
            actor=row.identified_by.full_name if row.identified_by_id else "",
        )


def _register_timeline() -> None:
    from registry.timeline import register_timeline_provider

    register_timeline_provider(_timeline)
