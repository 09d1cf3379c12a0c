"""Assistance applications on the one-window engine: accept (受理) with the household assembled
from the registry and the signed authorisation, pass the engine's steps under the programme's own
rules, confirm (审核确认 → ledger.enrol) or refuse (不予确认, written notice within the working days
the catalogue sets for the item, ServiceItemVersion.refusal_notice_wd).

The engine (cases.*) owns steps, clocks and the timeline; this module owns what the regulation asks
before a step may pass. Every check is also registered as an approval guard (cases.hooks)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from assistance.casework import Application, Appraisal, LocalPractice, SpotCheckItem, Survey
from assistance.errors import AssistanceCode
from assistance.household import age_on, close_relative_links, compose
from cases import hooks
from cases.actions import approve_step, reject_case
from cases.models import CaseStep, ServiceItem, StepDefinition
from cases.services import accept_application
from cases.workdays import WorkCalendar
from core.errors import DomainError
from ledger.models import Enrolment
from ledger.services import check_compatible, enrol
from policy import rules
from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from policy.programmes import Programme
from registry.models import Household, Person

ITEM_OF = {
    Programme.DIBAO: "dibao",
    Programme.EDGE: "dibao_edge",
    Programme.TEKUN: "tekun",
    Programme.TEMPORARY_EMERGENCY: "temp_emergency",
    Programme.TEMPORARY_SPENDING: "temp_expense",
    Programme.RIGID_SPENDING: "rigid_expense",
    Programme.DISABILITY_LIVING: "disability_living",
    Programme.DISABILITY_CARE: "disability_care",
    Programme.ORPHAN: "orphan",
    Programme.UNSUPPORTED_CHILD: "unsupported_child",
    Programme.CHILD_IN_DIFFICULTY: "children_in_difficulty",
    Programme.ELDERLY_ALLOWANCE: "elderly_allowance",
    Programme.ELDERLY_SERVICE: "elderly_service_subsidy",
}
PROGRAMME_OF_ITEM = {code: programme for programme, code in ITEM_OF.items()}
MEANS_TESTED = {
    Programme.DIBAO,
    Programme.EDGE,
    Programme.TEKUN,
    Programme.TEMPORARY_SPENDING,
    Programme.RIGID_SPENDING,
}
HOUSEHOLD_PROGRAMMES = {Programme.DIBAO, Programme.EDGE, Programme.TEMPORARY_SPENDING, Programme.RIGID_SPENDING}
TEMPORARY = {Programme.TEMPORARY_EMERGENCY, Programme.TEMPORARY_SPENDING}
DISABILITY_PROGRAMMES = {Programme.DISABILITY_LIVING, Programme.DISABILITY_CARE}
CHILD_PROGRAMMES = {Programme.ORPHAN, Programme.UNSUPPORTED_CHILD, Programme.CHILD_IN_DIFFICULTY}


def variant_for(area_code: str, programme: str, on_date: date) -> str:
    """The county's configured way of running a programme (LocalPractice), standard by default."""
    practice = (
        LocalPractice.objects.filter(programme=programme, effective_from__lte=on_date)
        .filter(area_code__in=[area_code[:6] + "000000", area_code[:6], area_code[:2] + "0" * 10, ""])
        .order_by("-area_code", "-effective_from")
        .first()
    )
    return practice.variant if practice else LocalPractice.Variant.STANDARD


def check_compatible_at_acceptance(
    programme: str, household: Household, beneficiary: Person | None, composition: dict, on_date: date
) -> None:
    """不得同时享受 (e.g. 特困 and 低保: 社会救助暂行办法 第十四条, 特困人员认定办法 第十条): refused at the
    window, when the person or the counted household already holds the other enrolment, not first
    at the county's confirmation."""
    policy = Policy.for_area(household.area_code, on_date)
    if beneficiary is not None:
        people = [beneficiary]
    else:
        counted = {m["person_id"] for m in composition["counted"]}
        people = [m.person for m in household.current_memberships() if m.person_id in counted]
    check_compatible(programme, people, policy)


def check_no_labour_capacity(application: Application, on_date: date | None = None) -> None:
    """特困 is for persons without labour capacity (特困人员认定办法 第五条): by age or disability
    grade, read from the registry at the county's confirmation."""
    person = application.beneficiary
    if application.programme != Programme.TEKUN or person is None:
        return
    day = on_date or application.accepted_on
    policy = Policy.for_area(application.area_code, day)
    ok, why = rules.has_no_labour_capacity(
        policy,
        age=age_on(person, day),
        disability_type=person.disability_type or "",
        disability_grade=person.disability_grade,
    )
    _require(ok, AssistanceCode.LABOUR_CAPACITY, f"{person.name}不符合特困人员“无劳动能力”条件：{why}")


@transaction.atomic
def apply_for_assistance(
    *,
    user,
    programme: str,
    household: Household,
    on_date: date,
    applicant: Person | None = None,
    beneficiary: Person | None = None,
    member_inputs: dict | None = None,
    alone: bool = False,
    family_is_edge: bool = False,
    unemployed: bool = False,
    authorisation_signed: bool = False,
    facts: dict | None = None,
    documents=(),
    phone: str = "",
    calendar: WorkCalendar | None = None,
) -> Application:
    """受理: the household by the 共同生活 rules, the signed authorisation, 近亲属备案, then the case."""
    applicant = applicant or household.head
    if programme in MEANS_TESTED and not authorisation_signed:
        raise DomainError(
            AssistanceCode.AUTHORISATION_MISSING, "须由申请人及共同生活家庭成员签署经济状况核对授权书后方可受理"
        )
    if programme in HOUSEHOLD_PROGRAMMES:
        composition = compose(
            household,
            applicant,
            on_date,
            member_inputs,
            alone=alone,
            family_is_edge=family_is_edge,
            unemployed=unemployed,
        )
        beneficiary = None
    else:
        beneficiary = beneficiary or applicant
        if beneficiary is None:
            raise DomainError(AssistanceCode.BENEFICIARY_MISSING, "请指定享受人")
        composition = {
            "counted": [{"person_id": beneficiary.pk, "name": beneficiary.name, "kin": "beneficiary", "age": None}],
            "left_out": [],
            "alone": True,
            "note": "按人享受",
        }
    check_compatible_at_acceptance(programme, household, beneficiary, composition, on_date)
    links = close_relative_links([m["person_id"] for m in composition["counted"]])
    item = ServiceItem.objects.get(code=ITEM_OF[programme])
    acceptance = accept_application(
        user=user,
        item=item,
        household=household,
        on_date=on_date,
        applicant=applicant,
        documents=documents,
        phone=phone,
        calendar=calendar,
        subject=beneficiary,
    )
    case = acceptance.case
    application = Application.objects.create(
        case=case,
        programme=programme,
        household=household,
        beneficiary=beneficiary,
        urban=household.kind == Household.Kind.URBAN,
        accepted_on=on_date,
        authorisation_signed_on=on_date if authorisation_signed else None,
        close_relative=bool(links),
        close_relative_note="；".join(str(link) for link in links),
        composition=composition,
        covered_members=len(composition["counted"]),
        variant=variant_for(household.area_code, programme, on_date) if programme in TEMPORARY else "",
        facts=facts or {},
        area_code=case.area_code,
    )
    if authorisation_signed:
        hooks.note(case, user, on_date, "已签署家庭经济状况核对授权书")
    if links:
        hooks.note(
            case,
            user,
            on_date,
            f"近亲属备案：{application.close_relative_note}。本案单独登记，县级须入户核查",
            data={"close_relative": True},
        )
    application.acceptance = acceptance  # for the engine's line intake (assistance.intake.take_in)
    return application


# ------------------------------------------------------------------------------ step rules


def current_step(application: Application) -> CaseStep | None:
    return (
        application.case.steps.select_related("definition", "responsible_unit")
        .filter(state__in=[CaseStep.State.ACTIVE, CaseStep.State.CORRECTION])
        .first()
    )


def _require(condition: bool, code: AssistanceCode, message: str) -> None:
    if not condition:
        raise DomainError(code, message)


def check_step(application: Application, step: CaseStep, on_date: date | None = None) -> None:
    """What the programme requires before `step` may pass (raises DomainError)."""
    code, programme = step.definition.code, application.programme
    if code == "investigate" and programme in (Programme.DIBAO, Programme.EDGE, Programme.RIGID_SPENDING):
        _require(
            application.surveys.filter(kind=Survey.Kind.HOME_VISIT).exists(),
            AssistanceCode.SURVEY_MISSING,
            "请先录入家庭经济状况调查（入户调查表）",
        )
    if code == "investigate" and programme == Programme.TEKUN:
        _require("self_care" in application.facts, AssistanceCode.ASSESSMENT_MISSING, "请先完成生活自理能力评估")
    if code == "intake" and application.variant == LocalPractice.Variant.XINSHAO:
        _require(
            application.appraisals.exists(), AssistanceCode.APPRAISAL_MISSING, "四位一体：请先录入村民代表评议结果"
        )
    if step.definition.kind == StepDefinition.Kind.NOTICE:
        from assistance.notice import check_notice_may_end

        check_notice_may_end(application, on_date)
    if code == "confirm" or step.order == application.case.steps.count():
        check_confirmable(application, on_date)


def check_confirmable(application: Application, on_date: date | None = None) -> None:
    from assistance.notice import open_objections

    check_no_labour_capacity(application, on_date)

    _require(
        not open_objections(application).exists(), AssistanceCode.OBJECTION_OPEN, "公示异议尚未复查处理，不能审核确认"
    )
    if application.close_relative:
        _require(
            application.surveys.filter(kind=Survey.Kind.COUNTY_VISIT).exists(),
            AssistanceCode.COUNTY_VISIT_MISSING,
            "近亲属备案案件须由县级民政部门入户核查后方可确认",
        )
    pending = SpotCheckItem.objects.filter(application=application, result=SpotCheckItem.Result.PENDING)
    _require(not pending.exists(), AssistanceCode.SPOT_CHECK_PENDING, "本案被抽中县级抽查，请先录入抽查核查结果")


def check_approval(step: CaseStep, application: Application) -> None:
    """Before the engine approves a step of an application's case (assistance.guards): it refuses
    what these rules refuse."""
    if step.order == application.case.steps.count() and application.decision == Application.Decision.PENDING:
        raise DomainError(
            AssistanceCode.CONFIRM_VIA_ASSISTANCE, "该环节须在救助申请页面办理“确认”或“不予确认”，以便同时记入保障台账"
        )
    check_step(application, step)


def pass_step(*, user, application: Application, on_date: date, opinion: str = "", calendar=None) -> CaseStep:
    """通过 the current step after the programme's checks; a following notice step opens its notice."""
    step = current_step(application)
    _require(step is not None, AssistanceCode.WRONG_STEP, "该申请没有正在办理的环节")
    if step.definition.code == "confirm":
        raise DomainError(AssistanceCode.WRONG_STEP, "县级审核确认请使用“确认”或“不予确认”")
    check_step(application, step, on_date)
    with transaction.atomic():
        approve_step(
            user=user,
            step_id=step.pk,
            expected_version=step.row_version,
            on_date=on_date,
            opinion=opinion,
            calendar=calendar,
        )
        if step.definition.kind == StepDefinition.Kind.NOTICE:
            from assistance.notice import complete_notice

            complete_notice(application)
        following = current_step(application)
        if following is not None and following.definition.kind == StepDefinition.Kind.NOTICE:
            from assistance.notice import start_public_notice

            start_public_notice(application, following, on_date)
    return step


# ------------------------------------------------------------------------------ amounts


def compute_amount(application: Application, on_date: date) -> tuple[Decimal, str]:
    """The monthly amount (or the one-off grant of temporary aid) and its working, by the programme's
    rule and the policy in force for the household's area."""
    policy = Policy.for_area(application.area_code, application.accepted_on)
    programme = application.programme
    if programme in (Programme.DIBAO, Programme.EDGE, Programme.RIGID_SPENDING):
        _require(application.monthly_per_capita is not None, AssistanceCode.SURVEY_MISSING, "尚未调查核算家庭收入")
        return application.proposed_amount or Decimal("0"), "；".join(application.working.get("lines", []))
    if programme == Programme.TEKUN:
        level = application.facts.get("self_care")
        _require(bool(level), AssistanceCode.ASSESSMENT_MISSING, "尚未完成生活自理能力评估")
        basic, care = rules.tekun_monthly(policy, urban=application.urban, care_level=level)
        label = rules.SELF_CARE_LABELS[level]
        return basic + care, f"基本生活费{basic}元 + 照料护理费{care}元（{label}）= {basic + care}元/月"
    if programme in (Programme.DISABILITY_LIVING, Programme.DISABILITY_CARE):
        person = application.beneficiary
        in_dibao = Enrolment.objects.filter(
            household=application.household, programme=Programme.DIBAO, status__in=["in_payment", "gradual_exit"]
        ).exists()
        amounts = rules.disability_subsidies(policy, grade=person.disability_grade, in_dibao_family=in_dibao)
        amount = amounts.get(programme)
        if amount is None:
            why = "非低保家庭残疾人" if programme == Programme.DISABILITY_LIVING else "残疾等级不是一级或二级"
            raise DomainError(AssistanceCode.NOT_ELIGIBLE, f"不符合{Programme(programme).label}条件：{why}")
        return amount, f"{Programme(programme).label}{amount}元/月（残疾等级{person.disability_grade}级）"
    if programme in (Programme.ORPHAN, Programme.UNSUPPORTED_CHILD):
        key = K.ORPHAN_AMOUNT if programme == Programme.ORPHAN else K.UNSUPPORTED_CHILD_AMOUNT
        amount = policy.amount(key)
        return amount, f"基本生活费{amount}元/月"
    if programme == Programme.CHILD_IN_DIFFICULTY:
        # paid only where local policy sets child.difficulty_amount (children/rules.py difficulty_allowance)
        amount = policy.amount(K.CHILD_DIFFICULTY_AMOUNT)
        return amount, f"困境儿童基本生活补贴{amount}元/月"
    if programme in (Programme.ELDERLY_ALLOWANCE, Programme.ELDERLY_SERVICE):
        return _elderly_amount(application, policy, on_date)
    amount = Decimal(str(application.facts.get("requested_amount", "0")))
    _require(amount > 0, AssistanceCode.AMOUNT, "请填写救助金额")
    return amount, f"一次性救助{amount}元"


def _elderly_amount(application: Application, policy: Policy, on_date: date) -> tuple[Decimal, str]:
    """高龄津贴 by the age band of the first month paid; 服务补贴 for 低保/特困 elderly (policy.rules)."""
    person = application.beneficiary
    label = Programme(application.programme).label
    if application.programme == Programme.ELDERLY_ALLOWANCE:
        start = rules.elderly_allowance_start(policy, person.birth_date, on_date)
        amount = rules.elderly_allowance_for_month(policy, person.birth_date, start) if start else None
        if amount is None:
            raise DomainError(AssistanceCode.NOT_ELIGIBLE, f"不符合{label}条件：未达到高龄津贴起始年龄")
        tier = rules.elderly_allowance_tier(policy, rules.age_on(person.birth_date, start - timedelta(days=1)))
        return amount, f"{label}（{tier.label}）{amount}元/月，自{start:%Y年%m月}起发放"
    open_programmes = set(
        Enrolment.objects.filter(
            Q(household=application.household, beneficiary__isnull=True) | Q(beneficiary=person),
            status__in=["in_payment", "gradual_exit"],
        ).values_list("programme", flat=True)
    )
    amount = rules.elderly_service_subsidy(
        policy,
        age=rules.age_on(person.birth_date, on_date),
        in_dibao=Programme.DIBAO in open_programmes,
        in_tekun=Programme.TEKUN in open_programmes,
    )
    if amount is None:
        raise DomainError(AssistanceCode.NOT_ELIGIBLE, f"不符合{label}条件：须为达到年龄的低保或特困老年人")
    return amount, f"{label}{amount}元/月"


def payment_not_before(application: Application, on_date: date) -> date | None:
    """A later first month than the one after the decision, where the programme's rule says so."""
    if application.programme == Programme.ELDERLY_ALLOWANCE and application.beneficiary_id:
        policy = Policy.for_area(application.area_code, application.accepted_on)
        return rules.elderly_allowance_start(policy, application.beneficiary.birth_date, on_date)
    return None


# ------------------------------------------------------------------------------ decision


def confirm_application(*, user, application: Application, on_date: date, opinion: str = "") -> Application:
    """审核确认: the last step passes and the household (or person) is enrolled from next month."""
    _require(application.decision == Application.Decision.PENDING, AssistanceCode.CLOSED, "该申请已作出决定")
    step = current_step(application)
    _require(
        step is not None and step.order == application.case.steps.count(),
        AssistanceCode.WRONG_STEP,
        "尚未到审核确认环节",
    )
    if application.programme in TEMPORARY:
        from assistance.temporary import check_approval_level

        check_approval_level(application, step)
    check_step(application, step, on_date)
    amount, working = compute_amount(application, on_date)
    with transaction.atomic():
        enrolment = None
        if application.programme not in TEMPORARY:
            enrolment = enrol(
                programme=application.programme,
                household=application.household,
                beneficiary=application.beneficiary,
                monthly_amount=amount,
                decided_on=on_date,
                covered_members=application.covered_members,
                case_reference=application.case.receipt_no,
                user=user,
                working={"working": working},
                not_before=payment_not_before(application, on_date),
            )
        # The decision is recorded first: the engine's approval guard lets the last step pass only
        # for an application that has one, so nobody can confirm around the ledger.
        Application.objects.filter(pk=application.pk).update(
            decision=Application.Decision.CONFIRMED,
            decided_on=on_date,
            decided_by=user,
            decision_reason=opinion or working,
            proposed_amount=amount,
            enrolment=enrolment,
        )
        application.decision = Application.Decision.CONFIRMED
        approve_step(user=user, step_id=step.pk, expected_version=step.row_version, on_date=on_date, opinion=opinion)
        application.refresh_from_db()
        if application.programme in TEMPORARY:
            from assistance.temporary import pay_after_confirmation

            pay_after_confirmation(user=user, application=application, on_date=on_date)
    return application


def refuse_application(*, user, application: Application, on_date: date, reason: str) -> Application:
    """不予确认 with reasons; the written notice is due within the item's refusal-notice period."""
    _require(application.decision == Application.Decision.PENDING, AssistanceCode.CLOSED, "该申请已作出决定")
    step = current_step(application)
    _require(step is not None, AssistanceCode.WRONG_STEP, "该申请没有正在办理的环节")
    with transaction.atomic():
        notice_wd = application.case.version.refusal_notice_working_days()
        reject_case(user=user, step_id=step.pk, expected_version=step.row_version, on_date=on_date, reason=reason)
        Application.objects.filter(pk=application.pk).update(
            decision=Application.Decision.REFUSED,
            decided_on=on_date,
            decided_by=user,
            decision_reason=reason,
            refusal_notice_due_on=WorkCalendar().add_working_days(on_date, notice_wd),
        )
        application.refresh_from_db()
    return application


def issue_refusal_notice(*, user, application: Application, on_date: date) -> Application:
    """The written refusal notice is handed over (recorded once, on the day it is first printed)."""
    _require(application.decision == Application.Decision.REFUSED, AssistanceCode.WRONG_STEP, "该申请不是不予确认")
    if application.refusal_notice_issued_on is None:
        Application.objects.filter(pk=application.pk, refusal_notice_issued_on__isnull=True).update(
            refusal_notice_issued_on=on_date
        )
        hooks.note(application.case, user, on_date, "送达不予确认通知书")
        application.refresh_from_db()
    return application


def record_appraisal(
    *, user, application: Application, held_on: date, participants: int, agree: int, disagree: int, conclusion: str
) -> Appraisal:
    """民主评议 / 村民代表评议: who took part, how they voted, what they concluded."""
    _require(participants > 0 and agree + disagree <= participants, AssistanceCode.AMOUNT, "评议人数与表决票数不一致")
    _require(bool(conclusion.strip()), AssistanceCode.AMOUNT, "请填写评议结论")
    appraisal = Appraisal.objects.create(
        application=application,
        held_on=held_on,
        participants=participants,
        agree=agree,
        disagree=disagree,
        conclusion=conclusion.strip(),
        recorded_by=user,
        area_code=application.area_code,
    )
    hooks.note(
        application.case,
        user,
        held_on,
        f"民主评议：{participants}人参加，同意{agree}、不同意{disagree}；{conclusion.strip()}",
    )
    return appraisal
