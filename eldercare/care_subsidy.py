"""经济困难失能老年人护理补贴: the application path (docs/domain.md §4.9).

1. 申请 — the 民生员 applies from 政策找人 (the household and the person filled in from the finding),
   or a clerk at the window: a living resident of the area, of the county's elderly age
   (`elderly.service_amount` min_age), in a 低保 household or 特困 (经济困难), not already paid.
2. 评估 — the care level (the 特困 self-care scale: 自理 / 半失能 / 失能); the amount is the county's
   dated amount for the level (`elderly.care_amounts`, policy.rules.elderly_care_subsidy); 自理 ends
   the application (不予补贴).
3. 审批 — by another person than the assessor; the ledger enrolment is made with the assessment as
   its decision date, so payment starts the month after the assessment (a month whose roll was
   approved meanwhile is paid as arrears by the next roll).
4. The enrolment is a personal programme: a death recorded through the death service stops it
   (ledger.deaths), and the application's page shows the enrolment's state.
"""

from datetime import date

from django.db import transaction

from areas.jurisdiction import current_scope
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from eldercare.errors import ElderCode
from eldercare.models import CareLevel, CareSubsidyApplication
from ledger.models import Enrolment
from ledger.services import enrol
from policy import rules
from policy.parameters import MissingParameter, Policy
from policy.programmes import ParameterKey as K
from policy.programmes import Programme
from registry.models import Household, Person

OPEN_ENROLMENT = (Enrolment.Status.IN_PAYMENT, Enrolment.Status.GRADUAL_EXIT, Enrolment.Status.SUSPENDED)


def economic_difficulty(person: Person, household: Household) -> tuple[bool, bool]:
    """(in 低保, in 特困): the household's 低保 or the person's own 特困 enrolment in force."""
    in_dibao = Enrolment.objects.filter(
        household=household, programme=Programme.DIBAO, beneficiary__isnull=True, status__in=OPEN_ENROLMENT
    ).exists()
    in_tekun = Enrolment.objects.filter(
        beneficiary=person, programme=Programme.TEKUN, status__in=OPEN_ENROLMENT
    ).exists()
    return in_dibao, in_tekun


def _policy(household: Household, on_date: date) -> Policy:
    return Policy.for_area(household.area_code, on_date)


@transaction.atomic
def apply(
    *, person: Person, household: Household, user, on_date: date, finding_id: int | None = None
) -> CareSubsidyApplication:
    """代办/受理护理补贴申请."""
    if not current_scope().allows(household.area_code) or not current_scope().allows(person.area_code):
        raise DomainError(ElderCode.NOT_FOUND, "该居民不在您的辖区")
    if not person.is_alive:
        raise DomainError(ElderCode.NOT_ELIGIBLE, "该居民已死亡或迁出，不能申请")
    if not household.current_memberships().filter(person=person).exists():
        raise DomainError(ElderCode.BAD_INPUT, "该居民不是所选家庭户的成员")
    policy = _policy(household, on_date)
    try:
        min_age = int(policy.raw(K.ELDERLY_SERVICE_AMOUNT)["min_age"])
        policy.raw(K.ELDERLY_CARE_AMOUNTS)
    except (MissingParameter, KeyError, TypeError):
        raise DomainError(ElderCode.NOT_ELIGIBLE, "本地未出台经济困难失能老年人护理补贴政策") from None
    if person.birth_date is None or rules.age_on(person.birth_date, on_date) < min_age:
        raise DomainError(ElderCode.NOT_ELIGIBLE, f"护理补贴对象须年满{min_age}周岁")
    in_dibao, in_tekun = economic_difficulty(person, household)
    if not (in_dibao or in_tekun):
        raise DomainError(ElderCode.NOT_ELIGIBLE, "护理补贴对象须为低保家庭或特困的经济困难老年人")
    if Enrolment.objects.filter(
        beneficiary=person, programme=Programme.ELDERLY_CARE, status__in=OPEN_ENROLMENT
    ).exists():
        raise DomainError(ElderCode.NOT_ELIGIBLE, "该老人已在享受护理补贴")
    if CareSubsidyApplication.objects.filter(person=person, status__in=CareSubsidyApplication.OPEN_STATUSES).exists():
        raise DomainError(ElderCode.ORDER_EXISTS, "该老人已有办理中的护理补贴申请")
    application = CareSubsidyApplication.objects.create(
        person=person,
        household=household,
        area_code=household.area_code,
        finding_id=finding_id,
        basis="本人为特困人员" if in_tekun else "所在家庭享受低保",
        applied_on=on_date,
        applied_by=user,
    )
    return application


def _get_open(pk: int, status: str) -> CareSubsidyApplication:
    application = CareSubsidyApplication.objects.select_related("person", "household").filter(pk=pk).first()
    if application is None:
        raise DomainError(ElderCode.NOT_FOUND, "找不到该申请，或不在您的辖区")
    if application.status != status:
        raise DomainError(ElderCode.FROZEN, f"该申请当前为“{application.get_status_display()}”，不能办理此步骤")
    return application


@transaction.atomic
def assess(pk: int, *, care_level: str, user, on_date: date, note: str = "") -> CareSubsidyApplication:
    """失能等级评估: the level and, from the county's amounts, what is paid for it."""
    application = _get_open(pk, CareSubsidyApplication.Status.APPLIED)
    if care_level not in CareLevel.values:
        raise DomainError(ElderCode.BAD_INPUT, "请选择评估的失能等级")
    if on_date < application.applied_on:
        raise DomainError(ElderCode.BAD_INPUT, "评估日期不能早于申请日期")
    in_dibao, in_tekun = economic_difficulty(application.person, application.household)
    amount = rules.elderly_care_subsidy(
        _policy(application.household, on_date), care_level=care_level, in_dibao=in_dibao, in_tekun=in_tekun
    )
    application.care_level = care_level
    application.assessed_on = on_date
    application.assessed_by = user
    application.assessment_note = (note or "").strip()[:300]
    application.monthly_amount = amount
    application.status = (
        CareSubsidyApplication.Status.ASSESSED if amount else CareSubsidyApplication.Status.NOT_ELIGIBLE
    )
    application.save()
    return application


@transaction.atomic
def approve(pk: int, *, user, on_date: date) -> CareSubsidyApplication:
    """审批: another person than the assessor; the enrolment pays from the month after the assessment."""
    application = _get_open(pk, CareSubsidyApplication.Status.ASSESSED)
    if user is not None and application.assessed_by_id == user.pk:
        raise DomainError(ElderCode.MAKER_CHECKER, "评估人不能审批自己评估的申请，请由另一名工作人员审批")
    application.enrolment = enrol(
        programme=Programme.ELDERLY_CARE,
        household=application.household,
        beneficiary=application.person,
        monthly_amount=application.monthly_amount,
        decided_on=application.assessed_on,  # 自评估的次月起发放
        case_reference=f"护理补贴申请{application.pk}",
        user=user,
        working={
            "care_level": application.care_level,
            "assessed_on": application.assessed_on.isoformat(),
            "basis": application.basis,
        },
    )
    application.status = CareSubsidyApplication.Status.APPROVED
    application.decided_on = on_date
    application.decided_by = user
    application.save()
    return application


@transaction.atomic
def refuse(pk: int, *, user, on_date: date, reason: str) -> CareSubsidyApplication:
    application = CareSubsidyApplication.objects.filter(pk=pk).first()
    if application is None or not application.is_open:
        raise DomainError(ElderCode.NOT_FOUND, "找不到办理中的该申请")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ElderCode.BAD_INPUT, "请填写不予批准的理由")
    application.status = CareSubsidyApplication.Status.REFUSED
    application.refusal_reason = reason[:300]
    application.decided_on = on_date
    application.decided_by = user
    application.save()
    record(AuditEntry.Action.UPDATE, obj=application, changes={"status": ["open", "refused"]})
    return application
