"""Marriage registration at the county's office, named as the registrar says it: register a
marriage, receive a divorce application, withdraw it, register the divorce, reissue a certificate,
record a revocation, answer an agency's question.

Every registration is a case of the one-window engine (`cases.subjects.accept_for_subject`, the
couple or the person as its subject) whose catalogue steps are passed here, so the timeline, the
clock and the receipt are the engine's. The rules are `marriage.rules` (pure); a failed rule
refuses at the window before anything is written. The register feeds the registry's marital status
(`registry.services.update_person`).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Q

from accounts.models import Unit
from cases import hooks as case_hooks
from cases.actions import approve_step, end_period, withdraw_case
from cases.models import Case, CaseStep, ReceiptCounter, ServiceItem
from cases.replies import issue_reply, sms_sender
from cases.subjects import CaseSubject, accept_for_subject
from cases.workdays import WorkCalendar
from core.errors import DomainError
from marriage import rules
from marriage.capabilities import MANAGE_MARRIAGES, QUERY_MARITAL_STATUS
from marriage.errors import MarriageCode
from marriage.models import (
    AuthorisedAgency,
    Certificate,
    DivorceApplication,
    MaritalStatusQuery,
    MarriageRecord,
)
from policy.parameters import Policy
from registry import idcard
from registry.models import Person
from registry.services import find_registered, register_person, update_person

MARRIED, DIVORCED, UNMARRIED = (
    Person.MaritalStatus.MARRIED,
    Person.MaritalStatus.DIVORCED,
    Person.MaritalStatus.UNMARRIED,
)
PRIOR_STATUSES = {
    Person.MaritalStatus.UNMARRIED: "未婚",
    Person.MaritalStatus.DIVORCED: "离婚",
    Person.MaritalStatus.WIDOWED: "丧偶",
}


# ----------------------------------------------------------------------------- who and where


def office_of(user) -> Unit:
    """The marriage registration office (婚姻登记机关) the registrar works at: the county bureau."""
    if not user.can(MANAGE_MARRIAGES):
        raise DomainError(MarriageCode.NO_PERMISSION, "您没有办理婚姻登记的权限")
    if not user.unit_id or user.unit.kind != Unit.Kind.BUREAU:
        raise DomainError(MarriageCode.NOT_AN_OFFICE, "婚姻登记由县级民政局婚姻登记机关办理")
    return user.unit


def _item(code: str) -> ServiceItem:
    item = ServiceItem.objects.filter(code=code).first()
    if item is None:
        raise DomainError(MarriageCode.BAD_INPUT, "服务事项目录中没有该婚姻登记事项，请管理员载入事项目录")
    return item


def _next_number(prefix: str, county: str, year: int) -> str:
    """登记字号 / 证件字号: prefix + county + year + a sequence per office and year
    (J430522-2026-000123), from one upsert of the engine's counter table."""
    key = f"{prefix}{county}{year}"
    table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("key", "value") VALUES (%s, 1) '  # noqa: S608 - the table name is ours
            f'ON CONFLICT ("key") DO UPDATE SET "value" = {table}."value" + 1 RETURNING "value"',
            [key],
        )
        value = cursor.fetchone()[0]
    return f"{prefix}{county}-{year}-{value:06d}"


# ----------------------------------------------------------------------------- parties


@dataclass(frozen=True)
class PartyInput:
    """One party as entered at the window. Sex and birth date come from the ID number."""

    id_number: str
    name: str
    prior_status: str = UNMARRIED  # 未婚 / 离婚 / 丧偶, as declared
    phone: str = ""
    ethnicity: str = "汉族"
    declared_no_spouse: bool = False
    declared_no_kinship: bool = False
    declared_voluntary: bool = False


def parse_party(party: PartyInput) -> idcard.IdInfo:
    try:
        info = idcard.parse(party.id_number)
    except idcard.InvalidIdNumber as exc:
        raise DomainError(MarriageCode.BAD_INPUT, exc.message) from None
    if not (party.name or "").strip():
        raise DomainError(MarriageCode.BAD_INPUT, "当事人姓名不能为空")
    known = find_registered(info.number)
    if known is not None and known.name != party.name.strip():
        raise DomainError(MarriageCode.IDENTITY, f"身份证号{info.number[:6]}…的姓名与居民档案不一致，请核对身份证件")
    return info


def in_force_marriages(id_number: str):
    """The in-force marriages of this ID number in our register (either side)."""
    return MarriageRecord.objects.filter(
        Q(man_id_number=id_number) | Q(woman_id_number=id_number),
        kind=MarriageRecord.Kind.MARRIAGE,
        status=MarriageRecord.Status.IN_FORCE,
    )


def _party_person(party: PartyInput, info: idcard.IdInfo, office: Unit) -> Person:
    """The registry's person for a party: found by ID number anywhere in the county, else recorded
    now as a person of the office's area with the household registration the ID number shows (a
    resident of another province, 全国通办)."""
    person = find_registered(info.number)
    if person is not None:
        return person
    return register_person(
        id_number=info.number,
        name=party.name.strip(),
        area_code=office.area_code,
        hukou_area_code=info.issue_area_code + "000000",
        ethnicity=party.ethnicity or "汉族",
        phone=party.phone,
        marital_status=party.prior_status or Person.MaritalStatus.UNKNOWN,
    )


def _set_status(person: Person, status: str, user) -> None:
    """The register feeds the registry's marital status (婚姻状况) through the registry's service."""
    if person.marital_status != status:
        update_person(person, user=user, marital_status=status)


# ----------------------------------------------------------------------------- marriage


@dataclass
class Registration:
    decision: rules.Decision
    record: MarriageRecord | None = None
    case: Case | None = None


def check_marriage(man: PartyInput, woman: PartyInput, on_date: date, office: Unit) -> rules.Decision:
    """The rules at the window, with their working; nothing is written."""
    facts = []
    for party in (man, woman):
        info = parse_party(party)
        facts.append(
            rules.Party(
                name=party.name.strip(),
                sex=info.sex,
                birth_date=info.birth_date,
                married_in_register=in_force_marriages(info.number).exists(),
                declared_no_spouse=party.declared_no_spouse,
                declared_no_kinship=party.declared_no_kinship,
                declared_voluntary=party.declared_voluntary,
            )
        )
    if idcard.normalize(man.id_number) == idcard.normalize(woman.id_number):
        raise DomainError(MarriageCode.BAD_INPUT, "双方身份证号相同，请核对")
    policy = Policy.for_area(office.area_code, on_date)
    return rules.check_marriage(facts[0], facts[1], on_date, policy)


def register_marriage(*, user, first: PartyInput, second: PartyInput, on_date: date) -> Registration:
    """结婚登记 (全国通办): the rules first; a refusal names the rules and writes nothing. Otherwise
    the parties (recorded in the registry when new), the case (couple), the register entry, one
    certificate each and both parties' marital status, in one transaction."""
    office = office_of(user)
    first_info = parse_party(first)
    man, woman = (first, second) if first_info.sex == rules.MALE else (second, first)
    decision = check_marriage(man, woman, on_date, office)
    if not decision.allowed:
        return Registration(decision=decision)
    man_info, woman_info = parse_party(man), parse_party(woman)
    with transaction.atomic():
        man_person = _party_person(man, man_info, office)
        woman_person = _party_person(woman, woman_info, office)
        before = (man_person.marital_status, woman_person.marital_status)
        case = accept_for_subject(
            user=user,
            item=_item("marriage"),
            subject=CaseSubject.of_couple(man_person, woman_person),
            on_date=on_date,
            phone=man.phone or woman.phone,
        ).case
        county = office.area_code[:6]
        record = MarriageRecord.objects.create(
            kind=MarriageRecord.Kind.MARRIAGE,
            man=man_person,
            woman=woman_person,
            man_name=man_person.name,
            man_id_number=man_person.id_number,
            woman_name=woman_person.name,
            woman_id_number=woman_person.id_number,
            registered_on=on_date,
            number=_next_number("J", county, on_date.year),
            office=office,
            office_name=office.name,
            registrar=user,
            case=case,
            man_status_before=man.prior_status or before[0],
            woman_status_before=woman.prior_status or before[1],
            declarations={"working": decision.working},
            area_code=office.area_code,
        )
        _issue_certificates(record, on_date, case)
        case_hooks.note(case, user, on_date, "审查意见：" + "；".join(decision.working), data={"marriage": record.pk})
        _pass_all_steps(case, user, on_date, f"准予结婚登记，登记字号{record.number}")
        _reply_at_window(case, user, on_date, f"准予结婚登记，当场颁发结婚证（登记字号{record.number}）。")
        _set_status(man_person, MARRIED, user)
        _set_status(woman_person, MARRIED, user)
    case.refresh_from_db()
    return Registration(decision=decision, record=record, case=case)


def _issue_certificates(record: MarriageRecord, on_date: date, case: Case) -> list[Certificate]:
    """One certificate per party: the register number and the party's suffix (-1 男方, -2 女方)."""
    return Certificate.objects.bulk_create(
        Certificate(
            record=record,
            holder_id=holder,
            number=f"{record.number}-{n}",
            kind=Certificate.Kind.ORIGINAL,
            issued_on=on_date,
            case=case,
            area_code=record.area_code,
        )
        for n, holder in ((1, record.man_id), (2, record.woman_id))
    )


def _reply_at_window(case: Case, user, on_date: date, text: str) -> None:
    """The registration is decided and its certificate handed over at the window: that is the reply
    (统一答复), given at once."""
    case.refresh_from_db()
    if case.status in Case.FINISHED and not case.replied_at:
        issue_reply(user=user, case=case, on_date=on_date, text=text)


def _pass_all_steps(case: Case, user, on_date: date, opinion: str, *, period_event: bool = False) -> None:
    """Pass the case's remaining steps one by one (the registration is done at the window)."""
    while True:
        step = (
            CaseStep.objects.filter(case=case, state=CaseStep.State.ACTIVE)
            .select_related("definition")
            .order_by("order")
            .first()
        )
        if step is None:
            return
        approve_step(
            user=user,
            step_id=step.pk,
            expected_version=step.row_version,
            on_date=on_date,
            opinion=opinion,
            period_event=period_event,
        )


# ----------------------------------------------------------------------------- divorce


def _appear_days(case: Case) -> int:
    step = case.version.steps.filter(code="appear").first()
    return step.calendar_days if step is not None and step.calendar_days else 30


def periods_of(application: DivorceApplication, calendar: WorkCalendar | None = None) -> rules.DivorcePeriods:
    return rules.DivorcePeriods(
        application.received_on,
        application.cooling_off_ends_on,
        application.appear_by,
        application.appear_by + timedelta(days=1),
        [],
    )


def apply_divorce(
    *, user, marriage: MarriageRecord, on_date: date, agreement: str, agreement_signed: bool, both_present: bool
) -> tuple[rules.Decision, DivorceApplication | None]:
    """协议离婚申请: received today; the cooling-off and the days to appear are fixed now."""
    office = office_of(user)
    decision = rules.check_divorce_application(
        marriage_in_force=marriage.status == MarriageRecord.Status.IN_FORCE,
        agreement_signed=agreement_signed,
        both_present=both_present,
    )
    if marriage.divorce_applications.filter(status__in=DivorceApplication.OPEN).exists():
        decision.fail("pending", "该婚姻已有正在冷静期或待到场的离婚申请")
    if not decision.allowed:
        return decision, None
    with transaction.atomic():
        case = accept_for_subject(
            user=user,
            item=_item("divorce"),
            subject=CaseSubject.of_couple(marriage.man, marriage.woman),
            on_date=on_date,
        ).case
        periods = rules.divorce_periods(
            on_date, Policy.for_area(office.area_code, on_date), WorkCalendar(), _appear_days(case)
        )
        application = DivorceApplication.objects.create(
            case=case,
            marriage=marriage,
            received_on=on_date,
            cooling_off_ends_on=periods.cooling_off_ends_on,
            appear_by=periods.appear_by,
            agreement=agreement,
            area_code=case.area_code,
        )
        step = case.steps.get(order=case.steps.order_by("order").values_list("order", flat=True).first())
        approve_step(
            user=user, step_id=step.pk, expected_version=step.row_version, on_date=on_date, opinion="受理离婚登记申请"
        )
        case_hooks.note(
            case, user, on_date, "离婚冷静期：" + "；".join(periods.working), data={"divorce": application.pk}
        )
    decision.working += periods.working
    return decision, application


def withdraw_divorce(*, user, application: DivorceApplication, party: str, on_date: date, reason: str = "") -> None:
    """撤回 by either party within the cooling-off (民法典 第一千零七十七条第一款)."""
    office_of(user)
    if application.status not in DivorceApplication.OPEN:
        raise DomainError(MarriageCode.NOT_OPEN, "该离婚申请已结束")
    if not rules.may_withdraw(periods_of(application), on_date):
        raise DomainError(
            MarriageCode.NOT_WITHIN_PERIOD,
            f"冷静期已于{application.cooling_off_ends_on:%Y年%m月%d日}届满，不能再撤回；双方不到场的，期满视为撤回",
        )
    if party not in ("man", "woman"):
        raise DomainError(MarriageCode.BAD_INPUT, "请选择撤回申请的一方")
    name = application.marriage.man_name if party == "man" else application.marriage.woman_name
    with transaction.atomic():
        updated = DivorceApplication.objects.filter(pk=application.pk, status__in=DivorceApplication.OPEN).update(
            status=DivorceApplication.Status.WITHDRAWN, closed_on=on_date, withdrawn_by=party
        )
        if not updated:
            raise DomainError(MarriageCode.NOT_OPEN, "该离婚申请已结束")
        text = f"{name}在冷静期内撤回离婚登记申请" + (f"（{reason.strip()}）" if reason.strip() else "")
        withdraw_case(user=user, case=application.case, on_date=on_date, reason=text)
        _reply_at_window(application.case, user, on_date, f"{text}。")


def register_divorce(*, user, application: DivorceApplication, on_date: date) -> MarriageRecord:
    """离婚登记: both appear after the cooling-off and within the 30 days; the marriage is dissolved,
    a divorce entry and certificates are made and both parties' status becomes 离婚."""
    office = office_of(user)
    if application.status not in DivorceApplication.OPEN:
        raise DomainError(MarriageCode.NOT_OPEN, "该离婚申请已结束")
    periods = periods_of(application)
    if not rules.may_register_divorce(periods, on_date):
        if on_date <= periods.cooling_off_ends_on:
            message = f"离婚冷静期至{periods.cooling_off_ends_on:%Y年%m月%d日}届满，届满后双方方可到场申请发给离婚证"
        else:
            message = f"双方未在{periods.appear_by:%Y年%m月%d日}前到场，申请已视为撤回"
        raise DomainError(MarriageCode.NOT_WITHIN_PERIOD, message)
    marriage = application.marriage
    if marriage.status != MarriageRecord.Status.IN_FORCE:
        raise DomainError(MarriageCode.NOT_IN_FORCE, "该婚姻登记已解除或已撤销")
    case = application.case
    with transaction.atomic():
        divorce = MarriageRecord.objects.create(
            kind=MarriageRecord.Kind.DIVORCE,
            man=marriage.man,
            woman=marriage.woman,
            man_name=marriage.man_name,
            man_id_number=marriage.man_id_number,
            woman_name=marriage.woman_name,
            woman_id_number=marriage.woman_id_number,
            registered_on=on_date,
            number=_next_number("L", office.area_code[:6], on_date.year),
            office=office,
            office_name=office.name,
            registrar=user,
            case=case,
            marriage=marriage,
            status=MarriageRecord.Status.IN_FORCE,
            area_code=office.area_code,
        )
        marriage.status, marriage.ended_on = MarriageRecord.Status.DISSOLVED, on_date
        marriage.end_reason = f"协议离婚，离婚登记字号{divorce.number}"
        marriage.save(update_fields=["status", "ended_on", "end_reason"])
        _issue_certificates(divorce, on_date, case)
        DivorceApplication.objects.filter(pk=application.pk).update(
            status=DivorceApplication.Status.REGISTERED, closed_on=on_date, divorce=divorce
        )
        _pass_all_steps(case, user, on_date, f"双方到场，准予离婚登记，字号{divorce.number}", period_event=True)
        _reply_at_window(case, user, on_date, f"准予离婚登记，当场颁发离婚证（登记字号{divorce.number}）。")
        _set_status(marriage.man, DIVORCED, user)
        _set_status(marriage.woman, DIVORCED, user)
    return divorce


def close_lapsed_divorces(day: date) -> dict:
    """Daily (scheduler): an application whose last day to appear has passed is deemed withdrawn
    (视为撤回, 民法典 第一千零七十七条第二款) on `day`; the timeline says so and both parties are
    sent a notice. Idempotent: a closed application is not touched again. First, applications
    whose cooling-off has ended move to 待双方到场 and their case's cooling-off step ends by itself
    (the system passes it; the 30 days to appear start)."""
    ended = list(
        DivorceApplication.objects.filter(
            status=DivorceApplication.Status.COOLING_OFF, cooling_off_ends_on__lt=day
        ).order_by("pk")
    )
    awaiting = 0
    for application in ended:
        with transaction.atomic():
            if not DivorceApplication.objects.filter(
                pk=application.pk, status=DivorceApplication.Status.COOLING_OFF
            ).update(status=DivorceApplication.Status.AWAITING):
                continue
            awaiting += 1
            step = CaseStep.objects.filter(
                case_id=application.case_id, state=CaseStep.State.ACTIVE, definition__code="cooling_off"
            ).first()
            if step is not None and step.due_on < day:
                end_period(
                    step_id=step.pk,
                    on_date=day,
                    text=f"离婚冷静期已于{step.due_on:%Y年%m月%d日}届满，双方须在{application.appear_by:%Y年%m月%d日}前到场",
                )
    lapsed = list(
        DivorceApplication.objects.filter(status__in=DivorceApplication.OPEN, appear_by__lt=day)
        .select_related("case", "case__item", "marriage")
        .order_by("pk")
    )
    closed = 0
    for application in lapsed:
        with transaction.atomic():
            if not DivorceApplication.objects.filter(pk=application.pk, status__in=DivorceApplication.OPEN).update(
                status=DivorceApplication.Status.DEEMED_WITHDRAWN, closed_on=day
            ):
                continue
            reason = (
                f"冷静期届满后三十日内（至{application.appear_by:%Y年%m月%d日}）双方未到场申请发给离婚证，"
                "依照民法典第一千零七十七条视为撤回离婚登记申请"
            )
            case = application.case
            if case.status in Case.OPEN:
                withdraw_case(user=None, case=case, on_date=day, reason=reason, deemed=True)
            for phone in {
                p for p in (case.phone, application.marriage.man.phone, application.marriage.woman.phone) if p
            }:
                sms_sender().send(phone, f"您的离婚登记申请（受理编号{case.receipt_no}）已{reason}。", case)
            closed += 1
    return {"冷静期届满待到场": awaiting, "视为撤回": closed}


# ----------------------------------------------------------------------------- reissue, revocation


def reissue_certificate(*, user, record: MarriageRecord, holder: str, on_date: date, reason: str) -> Certificate:
    """补领婚姻登记证: the party's current certificate is void, a new one is issued (BJ / BL number)."""
    office = office_of(user)
    if holder not in ("man", "woman"):
        raise DomainError(MarriageCode.BAD_INPUT, "请选择补领的一方")
    if record.kind == MarriageRecord.Kind.MARRIAGE and record.status != MarriageRecord.Status.IN_FORCE:
        raise DomainError(MarriageCode.NOT_IN_FORCE, "婚姻关系已解除或撤销，不能补领结婚证")
    if record.registered_elsewhere:
        raise DomainError(MarriageCode.BAD_INPUT, "外地登记的婚姻，请到原登记机关或凭档案补领")
    person = record.man if holder == "man" else record.woman
    reason = (reason or "").strip() or "遗失"
    with transaction.atomic():
        case = accept_for_subject(
            user=user,
            item=_item("marriage_certificate_reissue"),
            subject=CaseSubject.of_person(person),
            on_date=on_date,
        ).case
        Certificate.objects.filter(record=record, holder=person, is_current=True).update(is_current=False)
        prefix = "BJ" if record.kind == MarriageRecord.Kind.MARRIAGE else "BL"
        certificate = Certificate.objects.create(
            record=record,
            holder=person,
            number=_next_number(prefix, office.area_code[:6], on_date.year),
            kind=Certificate.Kind.REISSUE,
            issued_on=on_date,
            reason=reason,
            case=case,
            area_code=record.area_code,
        )
        _pass_all_steps(case, user, on_date, f"补发{record.get_kind_display()}证，证号{certificate.number}（{reason}）")
        _reply_at_window(case, user, on_date, f"准予补领，当场补发证件（证号{certificate.number}），原证作废。")
    return certificate


def revoke_marriage(*, user, record: MarriageRecord, on_date: date, basis: str, reason: str) -> MarriageRecord:
    """撤销婚姻 (民法典 第一千零五十二条 胁迫、第一千零五十三条 隐瞒重大疾病: by the people's court;
    婚姻登记条例: a registration obtained with false papers): recorded on the register with its basis;
    the marriage is void from the start (第一千零五十四条), so each party's status goes back to what
    it was before."""
    office_of(user)
    basis, reason = (basis or "").strip(), (reason or "").strip()
    if not basis or not reason:
        raise DomainError(MarriageCode.BAD_INPUT, "撤销婚姻须写明依据（判决书或决定书文号）和原因")
    if record.kind != MarriageRecord.Kind.MARRIAGE or record.status != MarriageRecord.Status.IN_FORCE:
        raise DomainError(MarriageCode.NOT_IN_FORCE, "只有有效的结婚登记可以撤销")
    with transaction.atomic():
        case = accept_for_subject(
            user=user,
            item=_item("marriage_revocation"),
            subject=CaseSubject.of_couple(record.man, record.woman),
            on_date=on_date,
        ).case
        updated = MarriageRecord.objects.filter(pk=record.pk, status=MarriageRecord.Status.IN_FORCE).update(
            status=MarriageRecord.Status.REVOKED, ended_on=on_date, end_reason=f"{reason}（依据：{basis}）"
        )
        if not updated:
            raise DomainError(MarriageCode.NOT_IN_FORCE, "只有有效的结婚登记可以撤销")
        Certificate.objects.filter(record=record, is_current=True).update(is_current=False)
        _pass_all_steps(case, user, on_date, f"撤销婚姻登记{record.number}：{reason}（依据：{basis}）")
        _reply_at_window(case, user, on_date, f"婚姻登记{record.number}已依{basis}注记撤销。")
        _set_status(record.man, record.man_status_before or Person.MaritalStatus.UNKNOWN, user)
        _set_status(record.woman, record.woman_status_before or Person.MaritalStatus.UNKNOWN, user)
    record.refresh_from_db()
    return record


def record_marriage_elsewhere(
    *, user, man: PartyInput, woman: PartyInput, registered_on: date, number: str, office_name: str
) -> MarriageRecord:
    """A marriage registered at another office (全国通办: the couple may divorce here), entered from
    the marriage certificates they present, so their divorce can be received."""
    office = office_of(user)
    number, office_name = (number or "").strip(), (office_name or "").strip()
    if not number or not office_name:
        raise DomainError(MarriageCode.BAD_INPUT, "请填写结婚证字号和原登记机关")
    if MarriageRecord.objects.filter(number=number).exists():
        raise DomainError(MarriageCode.BAD_INPUT, "该结婚证字号已在登记簿中")
    man_info, woman_info = parse_party(man), parse_party(woman)
    if man_info.sex != rules.MALE or woman_info.sex != rules.FEMALE:
        raise DomainError(MarriageCode.BAD_INPUT, "请按男方、女方分别填写身份证号")
    with transaction.atomic():
        man_person = _party_person(man, man_info, office)
        woman_person = _party_person(woman, woman_info, office)
        record = MarriageRecord.objects.create(
            kind=MarriageRecord.Kind.MARRIAGE,
            man=man_person,
            woman=woman_person,
            man_name=man_person.name,
            man_id_number=man_person.id_number,
            woman_name=woman_person.name,
            woman_id_number=woman_person.id_number,
            registered_on=registered_on,
            number=number,
            office_name=office_name,
            registered_elsewhere=True,
            registrar=user,
            area_code=office.area_code,
        )
        _set_status(man_person, MARRIED, user)
        _set_status(woman_person, MARRIED, user)
    return record


# ----------------------------------------------------------------------------- queries


def marital_answer(id_number: str) -> str:
    """是否已婚 per our register: "yes" / "no" / "unknown" (rules.marital_answer). One statement:
    the (kind, status) pairs of the person's entries as husband UNION as wife, each side one probe
    of its (id number, status) index."""
    sides = [
        MarriageRecord.objects.filter(**{field: id_number}).order_by().values_list("kind", "status")
        for field in ("man_id_number", "woman_id_number")
    ]
    pairs = set(sides[0].union(sides[1]))
    in_force = (MarriageRecord.Kind.MARRIAGE, MarriageRecord.Status.IN_FORCE) in pairs
    return rules.marital_answer(in_force=int(in_force), any_record=len(pairs))


def agency_of(user, on_date: date) -> str | None:
    """The agency a user asks for: the user's unit for the bureau's own staff with the capability,
    an authorised agency's name for an account granted it; None when the user may not ask."""
    if user.can(QUERY_MARITAL_STATUS):  # the roles are loaded with the user: no statement for staff
        return user.unit.name if user.unit_id else "本局"
    grant = AuthorisedAgency.objects.filter(user=user, is_active=True, valid_until__gte=on_date).first()
    return grant.agency if grant is not None else None


def answer_query(*, user, id_number: str, purpose: str, on_date: date, ip: str | None = None) -> str:
    """An authorised agency asks whether a person is married: the answer only, and the question
    logged (who, which agency, why, when) in the append-only query log."""
    agency = agency_of(user, on_date)
    if agency is None:
        raise DomainError(MarriageCode.NO_PERMISSION, "您的账号未获授权查询婚姻状况")
    purpose = (purpose or "").strip()
    if len(purpose) < 4:
        raise DomainError(MarriageCode.PURPOSE_REQUIRED, "请写明查询事由（如案号、授权书编号）")
    try:
        number = idcard.parse(id_number).number
    except idcard.InvalidIdNumber as exc:
        raise DomainError(MarriageCode.BAD_INPUT, exc.message) from None
    answer = marital_answer(number)
    MaritalStatusQuery.objects.create(
        user=user,
        agency=agency,
        purpose=purpose[:200],
        id_number=number,
        answer=answer,
        ip=ip or None,
        area_code=user.area_code,
    )
    return answer
