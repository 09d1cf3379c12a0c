"""Cases whose subject is not a registered household (办件对象): a person, a couple, an organisation
or an event.

A marriage registration has two parties who may live in two provinces (全国通办); a funeral begins
with a death; a rescue station receives a person with no known home. Such a case has no household
and no member who applies: `accept_for_subject` opens it at the user's window with the same
catalogue-driven steps, clock and timeline as a household case (`cases.services.accept_application`).

Jurisdiction: the case is owned by its subject's area when the accepting window's jurisdiction covers
it (a township window's case for one of its residents is seen by the village too), else by the
window's own area (a county marriage office registering two residents of other provinces).
Materials are checked in person at the window (the parties present their papers): the case is not
held for missing library documents.
"""

from dataclasses import dataclass
from datetime import date

from accounts.roles import Capability, roles_can
from areas.jurisdiction import current_scope
from audit.services import chained_at_end
from cases import events
from cases.access import can_accept
from cases.catalogue import current_version, remember_rules, version_rules, window_level
from cases.errors import CaseCode
from cases.models import Case, CaseStep, ServiceItem
from cases.services import LEVEL_LABEL, Acceptance, next_receipt_no, responsible_units, start_clock
from cases.workdays import WorkCalendar
from core.errors import DomainError

Kind = Case.SubjectKind


@dataclass(frozen=True)
class CaseSubject:
    """What a case is about when it is not a household. Build it with the class methods."""

    kind: str
    person: object | None = None  # registry.Person: the person, or the first party of a couple
    partner: object | None = None  # registry.Person: the second party of a couple
    organisation: object | None = None  # registry.Organisation
    label: str = ""  # an event: what happened (e.g. "2026年12月3日酿溪镇发现无名男子")
    area_code: str = ""  # an event's place, when known

    @classmethod
    def of_person(cls, person) -> "CaseSubject":
        return cls(kind=Kind.PERSON, person=person)

    @classmethod
    def of_couple(cls, first, second) -> "CaseSubject":
        if first.pk == second.pk:
            raise DomainError(CaseCode.SUBJECT_INCOMPLETE, "双方当事人不能是同一人")
        return cls(kind=Kind.COUPLE, person=first, partner=second)

    @classmethod
    def of_organisation(cls, organisation) -> "CaseSubject":
        return cls(kind=Kind.ORGANISATION, organisation=organisation)

    @classmethod
    def of_event(cls, label: str, area_code: str = "") -> "CaseSubject":
        return cls(kind=Kind.EVENT, label=(label or "").strip(), area_code=area_code)

    def own_area(self) -> str:
        """The subject's own area: the person's (both parties' when they share one), the
        organisation's, the event's place; "" when it has none."""
        if self.kind == Kind.PERSON:
            return self.person.area_code
        if self.kind == Kind.COUPLE:
            return self.person.area_code if self.person.area_code == self.partner.area_code else ""
        if self.kind == Kind.ORGANISATION:
            return self.organisation.area_code
        return self.area_code

    def check(self) -> None:
        missing = {
            Kind.PERSON: self.person is None,
            Kind.COUPLE: self.person is None or self.partner is None,
            Kind.ORGANISATION: self.organisation is None,
            Kind.EVENT: not self.label,
        }
        if self.kind not in missing:
            raise DomainError(CaseCode.SUBJECT_INCOMPLETE, "家庭办件请从受理窗口选择申请家庭")
        if missing[self.kind]:
            raise DomainError(CaseCode.SUBJECT_INCOMPLETE, f"办件对象（{Kind(self.kind).label}）信息不全")


def case_area(subject: CaseSubject, window_area_code: str) -> str:
    """The area that owns the case: the subject's when the window's jurisdiction covers it, else the
    window's own (the handling unit answers for it)."""
    own = subject.own_area()
    if own and own.startswith(_prefix(window_area_code)):
        return own
    return window_area_code


def _prefix(area_code: str) -> str:
    from areas.codes import prefix_of

    return prefix_of(area_code)


def accept_for_subject(
    *,
    user,
    item: ServiceItem,
    subject: CaseSubject,
    on_date: date,
    phone: str = "",
    calendar: WorkCalendar | None = None,
) -> Acceptance:
    """受理 of a case about a person, a couple, an organisation or an event at the user's window: the
    item's current steps, each at its responsible unit, and the clock from `on_date`."""
    if not can_accept(user):
        raise DomainError(CaseCode.NO_PERMISSION, "您没有受理申请的权限")
    subject.check()
    level = window_level(user.unit.area_code)
    if not item.is_active or level not in item.accept_levels:
        allowed = "、".join(str(LEVEL_LABEL.get(x, x)) for x in item.accept_levels)
        raise DomainError(CaseCode.LEVEL_NOT_ALLOWED, f"“{item.name}”由{allowed}受理，本窗口不能受理")
    area_code = case_area(subject, user.unit.area_code)
    if not current_scope().allows(area_code) or not item.applies_to(area_code):
        raise DomainError(CaseCode.OUTSIDE_JURISDICTION, "该事项不在本窗口辖区办理")
    version = current_version(item, on_date)
    _required, definitions = rules = version_rules(version)
    if not definitions:
        raise DomainError(CaseCode.NO_VERSION, f"“{item.name}”的流程没有设置办理环节")
    units = responsible_units(definitions, area_code, user.unit)
    if any(unit is None for unit in units):
        raise DomainError(CaseCode.NO_UNIT, "找不到某个环节的责任单位，请联系管理员配置单位")
    calendar = calendar or WorkCalendar()
    receipt_no = next_receipt_no(area_code, on_date)
    person = subject.person
    with chained_at_end():
        case = Case(
            receipt_no=receipt_no,
            item=item,
            version=version,
            subject_kind=subject.kind,
            applicant=person,
            partner=subject.partner,
            organisation=subject.organisation,
            subject_label=subject.label,
            phone=phone or (getattr(person, "phone", "") or ""),
            accepting_unit=user.unit,
            accepted_by=user,
            proxy=roles_can(user.role_codes, Capability.APPLY_ON_BEHALF),
            accepted_on=on_date,
            status=Case.Status.IN_PROGRESS,
            area_code=area_code,
        )
        case.save(force_insert=True)  # logged by the audit's post_save receiver
        steps = CaseStep.objects.bulk_create(
            [
                CaseStep(
                    case=case,
                    definition=definition,
                    order=definition.order,
                    name=definition.name,
                    responsible_unit=unit,
                    area_code=case.area_code,
                )
                for definition, unit in zip(definitions, units, strict=True)
            ]
        )
        events.case_accepted(case, user, on_date)
        start_clock(case, steps[0], on_date, calendar)
        remember_rules(version, rules)
    return Acceptance(case=case, missing=[], steps=steps)
