"""近亲属备案: residents who are close relatives of a 低保 case worker, civil-affairs staff or a
village cadre. Township and county staff keep the register; an application whose household
includes one of these residents is registered separately (assistance.household.close_relative_links)."""

from datetime import date

from django.db import transaction

from accounts.models import Unit, User
from assistance.casework import CloseRelative
from assistance.errors import AssistanceCode
from core.errors import DomainError
from registry.idcard import normalize
from registry.models import Person

Position = CloseRelative.Position
KEEPER_UNITS = (Unit.Kind.BUREAU, Unit.Kind.TOWNSHIP_OFFICE)


def can_keep_register(user) -> bool:
    return bool(user.unit_id) and user.unit.kind in KEEPER_UNITS


def staff_choices():
    """Civil-affairs staff (not other departments) of units inside the current jurisdiction."""
    return (
        User.in_jurisdiction.filter(is_active=True)
        .exclude(unit__kind=Unit.Kind.DEPARTMENT)
        .select_related("unit")
        .order_by("unit__area_code", "full_name", "pk")
    )


@transaction.atomic
def record_close_relative(
    *,
    user,
    id_number: str,
    position: str,
    relation: str,
    on_date: date,
    staff_id: int | None = None,
    cadre_name: str = "",
) -> CloseRelative:
    if not can_keep_register(user):
        raise DomainError(AssistanceCode.NO_PERMISSION, "只有乡镇（街道）和县级民政工作人员可以登记近亲属关系")
    person = Person.objects.filter(id_number=normalize(id_number)).first()
    if person is None:
        raise DomainError(AssistanceCode.PERSON_NOT_FOUND, "本辖区查无该身份证号的居民")
    if position not in Position.values or relation not in CloseRelative.Relation.values:
        raise DomainError(AssistanceCode.RELATION_INVALID, "请选择工作人员身份和亲属关系")
    staff, cadre_name = None, (cadre_name or "").strip()
    if position == Position.VILLAGE_CADRE:
        if not cadre_name:
            raise DomainError(AssistanceCode.RELATION_INVALID, "请填写村(居)干部姓名")
    else:
        staff = staff_choices().filter(pk=staff_id).first() if staff_id else None
        if staff is None:
            raise DomainError(AssistanceCode.RELATION_INVALID, "请选择本辖区的工作人员")
        cadre_name = ""
    if CloseRelative.objects.filter(
        person=person, staff=staff, cadre_name=cadre_name, position=position, ended_on__isnull=True
    ).exists():
        raise DomainError(AssistanceCode.DUPLICATE, "该近亲属关系已登记")
    return CloseRelative.objects.create(
        person=person,
        staff=staff,
        cadre_name=cadre_name,
        position=position,
        relation=relation,
        recorded_on=on_date,
        area_code=person.area_code,
    )


def end_close_relative(*, user, relation: CloseRelative, on_date: date) -> CloseRelative:
    """The relation no longer applies (the staff member left the post): kept, with its end date."""
    if not can_keep_register(user):
        raise DomainError(AssistanceCode.NO_PERMISSION, "只有乡镇（街道）和县级民政工作人员可以登记近亲属关系")
    if relation.ended_on:
        raise DomainError(AssistanceCode.CLOSED, "该近亲属关系已终止")
    relation.ended_on = on_date
    relation.save(update_fields=["ended_on"])  # through save, so the audit log has old → new
    return relation
