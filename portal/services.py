"""What a resident does on the portal and what staff do with it: binding to the registry, online
applications accepted at the window, documents into the library, objections to a notice,
complaints with a working-day deadline and their supervision, bookings, and the 明白卡.

Every function reading a resident's data takes the account and reads only its own household;
callers run inside the household's scope (portal.views.resident.resident_required)."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Unit, User
from accounts.roles import RoleCode
from areas.codes import county_of, township_of
from areas.jurisdiction import current_scope, system_scope
from assistance import notice as notices
from assistance.casework import Objection, PublicNotice
from assistance.procedure import PROGRAMME_OF_ITEM, apply_for_assistance
from audit.services import update_logged
from cases.models import Case, Notification, ServiceItem
from cases.services import accept_application
from cases.workdays import WorkCalendar
from core.errors import DomainError
from core.masking import mask_name
from grid.models import HouseholdContact
from ledger.models import Enrolment, EnrolmentEvent, ReviewSchedule
from policy.parameters import Policy
from policy.programmes import ParameterKey, Programme
from portal.errors import PortalCode
from portal.models import (
    Booking,
    Complaint,
    ComplaintLimit,
    ConductSupervisor,
    OnlineApplication,
    ResidentAccount,
    ResidentObjection,
    ServicePoint,
)
from registry.idcard import normalize
from registry.models import Document, DocumentType, Household, Person
from registry.services import attach_document, current_members

MAX_UPLOADS = 5


# ------------------------------------------------------------------ household and binding


def household_of(account: ResidentAccount) -> Household | None:
    """The bound person's current household (read unscoped: this is how the scope is found)."""
    if not account.is_bound:
        return None
    with system_scope():
        person = Person.unscoped.get(pk=account.person_id)
        membership = person.current_membership()
        return membership.household if membership else None


def township_office(area_code: str) -> Unit | None:
    return (
        Unit.unscoped.filter(kind=Unit.Kind.TOWNSHIP_OFFICE, area_code=township_of(area_code), is_active=True)
        .order_by("id")
        .first()
    )


def online_window(item: ServiceItem, area_code: str) -> Unit | None:
    """Where an online application of the item waits: the office of the household's township, for
    the items a township window accepts. Items only the county accepts (marriage registration needs
    both parties in person) are not offered online."""
    if "township" not in item.accept_levels:
        return None
    return township_office(area_code)


def _registry_phones(person: Person) -> set[str]:
    phones = {person.phone}
    membership = person.current_membership()
    if membership is not None:
        phones.add(membership.household.phone)
    return {p.replace(" ", "").replace("-", "")[-11:] for p in phones if p}


@transaction.atomic
def bind(account: ResidentAccount, *, name: str, id_number: str, ask_township: bool = False) -> ResidentAccount:
    """Bind the account to its registry person: at once when ID number, name and the phone the
    registry holds all agree; otherwise, on request, a confirmation for the township's clerk."""
    name = (name or "").strip()
    try:
        id_number = normalize((id_number or "").strip().upper())
    except ValueError:
        raise DomainError(PortalCode.BIND_FAILED, "身份证号码格式不正确") from None
    if not name:
        raise DomainError(PortalCode.BAD_INPUT, "请填写姓名")
    if account.is_bound:
        raise DomainError(PortalCode.STATE_CONFLICT, "该账号已绑定家庭")
    with system_scope():
        person = Person.unscoped.filter(id_number=id_number).first()
        if person is None or person.name != name or person.current_membership() is None:
            # one message for every mismatch: the page never tells which part was wrong
            raise DomainError(
                PortalCode.BIND_FAILED, "姓名或身份证号与户籍库登记不一致，请核对后再试，或到乡镇民政办办理"
            )
        if (
            ResidentAccount.unscoped.filter(person=person, binding=ResidentAccount.Binding.BOUND)
            .exclude(pk=account.pk)
            .exists()
        ):
            raise DomainError(PortalCode.BIND_FAILED, "该身份已绑定其他手机号，请到乡镇民政办办理")
        household = person.current_membership().household
        fields = {"claimed_name": name, "claimed_id_number": id_number, "area_code": household.area_code}
        if account.phone in _registry_phones(person):
            fields.update(
                person=person,
                binding=ResidentAccount.Binding.BOUND,
                bound_by=ResidentAccount.Method.REGISTRY_PHONE,
                bound_at=timezone.now(),
            )
        elif ask_township:
            fields.update(person=None, binding=ResidentAccount.Binding.PENDING)
        else:
            raise DomainError(
                PortalCode.BIND_FAILED,
                "该手机号不是户籍库中登记的联系电话，可申请由乡镇民政办确认身份",
                can_ask_township=True,
            )
        for key, value in fields.items():
            setattr(account, key, value)
        account.save()
    return account


def pending_bindings():
    """Accounts waiting for the township in the current scope."""
    return ResidentAccount.objects.filter(binding=ResidentAccount.Binding.PENDING).order_by("id")


@transaction.atomic
def confirm_binding(*, user, account: ResidentAccount, confirm: bool, note: str = "") -> ResidentAccount:
    """The township clerk confirms (after seeing the resident, or calling them) or refuses."""
    if account.binding != ResidentAccount.Binding.PENDING:
        raise DomainError(PortalCode.STATE_CONFLICT, "该身份确认已处理")
    if not current_scope().allows(account.area_code):
        raise DomainError(PortalCode.NO_PERMISSION, "不在本辖区")
    if confirm:
        person = Person.objects.filter(id_number=account.claimed_id_number).first()
        if person is None:
            raise DomainError(PortalCode.BIND_FAILED, "户籍库中找不到该身份证号")
        account.person, account.binding = person, ResidentAccount.Binding.BOUND
        account.bound_by, account.bound_at = ResidentAccount.Method.TOWNSHIP, timezone.now()
    else:
        if not (note or "").strip():
            raise DomainError(PortalCode.BAD_INPUT, "请填写不予确认的理由")
        account.binding = ResidentAccount.Binding.REFUSED
    account.binding_note = (note or "").strip()[:200]
    account.confirmed_by = user
    account.save()
    return account


# ------------------------------------------------------------------ documents


def household_documents(household: Household) -> list[Document]:
    """The current documents of the household and its members (the 一次采集 library)."""
    holders = [p.pk for p in current_members(household.pk)]
    return list(
        Document.objects.filter(Q(household=household) | Q(person_id__in=holders), is_current=True)
        .select_related("doc_type", "person")
        .order_by("doc_type__sort_order", "-uploaded_at")
    )


def upload_document(account: ResidentAccount, household: Household, *, doc_type: DocumentType, upload, person=None):
    """A resident's upload goes into the library once (for themselves, a member, or the household)."""
    members = {p.pk: p for p in current_members(household.pk)}
    if doc_type.holder == DocumentType.Holder.HOUSEHOLD:
        holder = {"household": household}
    else:
        person = person if person is not None and person.pk in members else members.get(account.person_id)
        holder = {"person": person}
    return attach_document(doc_type=doc_type, upload=upload, note="群众网上提交", **holder)


# ------------------------------------------------------------------ online applications


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(PortalCode.BAD_INPUT, "申请金额须为数字") from None
    if amount <= 0 or amount > Decimal("1000000"):
        raise DomainError(PortalCode.BAD_INPUT, "申请金额不正确")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def submit_application(
    account: ResidentAccount,
    household: Household,
    *,
    item: ServiceItem,
    reason: str,
    documents: list[Document],
    requested_amount=None,
    phone: str = "",
    on_date: date,
) -> OnlineApplication:
    """网上申请: waits at the window of the household's township (预受理); nothing runs on a clock yet."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(PortalCode.BAD_INPUT, "请填写申请事由")
    if not item.is_active or not item.applies_to(household.area_code) or item.version_on(on_date) is None:
        raise DomainError(PortalCode.BAD_INPUT, "该事项不能在本地网上申请")
    window = online_window(item, household.area_code)
    if window is None:
        raise DomainError(PortalCode.NO_WINDOW, "该事项不能网上申请，请到村(社区)或乡镇窗口办理")
    if OnlineApplication.objects.filter(
        household=household, item=item, status=OnlineApplication.Status.SUBMITTED
    ).exists():
        raise DomainError(PortalCode.STATE_CONFLICT, f"您已提交过“{item.name}”的网上申请，正在等待窗口受理")
    own = {d.pk for d in household_documents(household)}
    if any(d.pk not in own for d in documents):
        raise DomainError(PortalCode.BAD_INPUT, "只能选择本户的材料")
    application = OnlineApplication.objects.create(
        account=account,
        household=household,
        applicant_id=account.person_id,
        item=item,
        window=window,
        reason=reason[:2000],
        requested_amount=_amount(requested_amount),
        phone=phone or account.phone,
        area_code=household.area_code,
    )
    application.documents.set(documents)
    Notification.objects.create(
        unit=window,
        text=f"收到网上申请：{item.name}（{mask_name(household.head.name if household.head_id else '')}户），请受理",
    )
    return application


def online_queue():
    """The window's online applications waiting in the current scope, oldest first."""
    return (
        OnlineApplication.objects.filter(status=OnlineApplication.Status.SUBMITTED)
        .select_related("item", "household__head", "applicant")
        .order_by("submitted_at", "id")
    )


@transaction.atomic
def accept_online(*, user, application: OnlineApplication, on_date: date, calendar=None) -> Case:
    """受理 at the window: the case opens now, in the clerk's name, with the documents the resident
    chose; its clock starts today (cases.services.start_clock), not on the day it was submitted.
    Social-assistance items go through assistance's own intake (its record of the application)."""
    if application.status != OnlineApplication.Status.SUBMITTED:
        raise DomainError(PortalCode.STATE_CONFLICT, "该网上申请已处理，请刷新页面")
    if user.unit_id != application.window_id:
        raise DomainError(PortalCode.NO_PERMISSION, "该申请由户籍所在乡镇的窗口受理")
    docs = list(application.documents.values_list("pk", flat=True))
    programme = PROGRAMME_OF_ITEM.get(application.item.code)
    facts = {"reason": application.reason, "source": "网上申请"}
    if application.requested_amount is not None:
        facts["requested_amount"] = str(application.requested_amount)
    if programme is not None:
        case = apply_for_assistance(
            user=user,
            programme=programme,
            household=application.household,
            on_date=on_date,
            applicant=application.applicant,
            documents=docs,
            phone=application.phone,
            facts=facts,
            calendar=calendar,
        ).case
    else:
        case = accept_application(
            user=user,
            item=application.item,
            household=application.household,
            on_date=on_date,
            applicant=application.applicant,
            documents=docs,
            phone=application.phone,
            calendar=calendar,
        ).case
    changed = update_logged(
        OnlineApplication.objects.filter(status=OnlineApplication.Status.SUBMITTED),
        application,
        status=OnlineApplication.Status.ACCEPTED,
        case=case,
        handled_by=user,
        handled_at=timezone.now(),
    )
    if not changed:
        raise DomainError(PortalCode.STATE_CONFLICT, "该网上申请已由他人处理，请刷新页面")
    return case


@transaction.atomic
def return_online(*, user, application: OnlineApplication, reason: str) -> OnlineApplication:
    """退回 with the reason the resident reads (not our item, another window, a duplicate ...)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(PortalCode.BAD_INPUT, "请填写退回理由")
    if user.unit_id != application.window_id:
        raise DomainError(PortalCode.NO_PERMISSION, "该申请由户籍所在乡镇的窗口处理")
    changed = update_logged(
        OnlineApplication.objects.filter(status=OnlineApplication.Status.SUBMITTED),
        application,
        status=OnlineApplication.Status.RETURNED,
        return_reason=reason[:300],
        handled_by=user,
        handled_at=timezone.now(),
    )
    if not changed:
        raise DomainError(PortalCode.STATE_CONFLICT, "该网上申请已处理，请刷新页面")
    return application


# ------------------------------------------------------------------ notices and objections


def notices_for(household: Household, on_date: date):
    """The notices running in the household's village or community today."""
    return notices.running_notices_for(household.area_code, on_date)


def object_to_notice(
    account: ResidentAccount, *, notice: PublicNotice, content: str, anonymous: bool, on_date: date
) -> Objection:
    """公示异议 from a signed-in resident: the assistance rules (during the period; it holds the
    decision until re-investigated or appraised); the resident keeps a link to see the answer."""
    person = account.person
    objection = notices.lodge_objection(
        notice=notice,
        on_date=on_date,
        content=content,
        name=person.name,
        phone=account.phone,
        anonymous=anonymous,
    )
    ResidentObjection.objects.create(account=account, objection=objection)
    return objection


def my_objections(account: ResidentAccount):
    ids = ResidentObjection.objects.filter(account=account).values("objection_id")
    return Objection.unscoped.filter(pk__in=ids).select_related("notice").order_by("-id")


# ------------------------------------------------------------------ complaints


def complaint_limit(on_date: date) -> ComplaintLimit:
    limit = ComplaintLimit.objects.filter(effective_from__lte=on_date).order_by("-effective_from").first()
    if limit is None:
        raise DomainError(PortalCode.BAD_INPUT, "未设置投诉办理期限，请联系管理员")
    return limit


@transaction.atomic
def file_complaint(
    account: ResidentAccount,
    household: Household,
    *,
    kind: str,
    content: str,
    case: Case | None = None,
    on_date: date,
    calendar: WorkCalendar | None = None,
) -> Complaint:
    """投诉 to the household's township office, answered within the working days in force."""
    content = (content or "").strip()
    if not content:
        raise DomainError(PortalCode.BAD_INPUT, "请填写投诉内容")
    if kind not in Complaint.Kind.values:
        raise DomainError(PortalCode.BAD_INPUT, "请选择投诉类别")
    if case is not None and case.household_id != household.pk:
        raise DomainError(PortalCode.BAD_INPUT, "只能就本户的办件投诉")
    unit = township_office(household.area_code)
    if unit is None:
        raise DomainError(PortalCode.NO_WINDOW, "找不到您所在乡镇的民政办")
    limit = complaint_limit(on_date)
    calendar = calendar or WorkCalendar()
    complaint = Complaint.objects.create(
        number=f"TS-{uuid.uuid4().hex[:24]}",  # a placeholder until the id is known
        account=account,
        household=household,
        case=case,
        kind=kind,
        content=content[:4000],
        unit=unit,
        filed_on=on_date,
        due_on=calendar.add_working_days(on_date, limit.working_days),
        limit_basis=f"{limit.working_days}个工作日（{limit.basis}）",
        area_code=household.area_code,
    )
    # 投诉编号: county, date and the row's own id (unique without a counter of its own)
    complaint.number = f"TS{county_of(household.area_code)[:6]}{on_date:%Y%m%d}{complaint.pk:05d}"
    Complaint.objects.filter(pk=complaint.pk).update(number=complaint.number)
    Notification.objects.create(
        unit=unit, text=f"收到群众投诉{complaint.number}，请于{complaint.due_on:%m月%d日}前答复"
    )
    return complaint


def complaint_queue():
    return Complaint.objects.select_related("household__head", "case", "unit").order_by("status", "due_on", "id")


@transaction.atomic
def answer_complaint(*, user, complaint: Complaint, answer: str, on_date: date) -> Complaint:
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(PortalCode.BAD_INPUT, "请填写答复内容")
    if user.unit_id != complaint.unit_id and not (
        user.unit and complaint.area_code.startswith(user.area_code[:6]) and user.unit.kind == Unit.Kind.BUREAU
    ):
        raise DomainError(PortalCode.NO_PERMISSION, "投诉由承办单位答复")
    changed = update_logged(
        Complaint.objects.filter(status=Complaint.Status.OPEN),
        complaint,
        status=Complaint.Status.ANSWERED,
        answer=answer[:4000],
        answered_on=on_date,
        answered_by=user,
    )
    if not changed:
        raise DomainError(PortalCode.STATE_CONFLICT, "该投诉已答复")
    from cases.replies import sms_sender

    sms_sender().send(complaint.account.phone, f"您的投诉{complaint.number}已答复，请登录网上办事查看。")
    return complaint


def supervise_overdue_complaints(on_date: date) -> dict:
    """督办 of complaints past their deadline: level 1 to the township office (copied to the county
    bureau), once per complaint; set-based (one UPDATE, notifications in one INSERT)."""
    with system_scope():
        overdue = Complaint.objects.filter(status=Complaint.Status.OPEN, due_on__lt=on_date, supervised_level=0)
        rows = list(overdue.select_related("unit").values_list("pk", "number", "unit_id", "area_code", "due_on"))
        if not rows:
            return {"supervised": 0}
        Complaint.objects.filter(pk__in=[r[0] for r in rows], supervised_level=0).update(
            supervised_level=1, supervised_on=on_date
        )
        bureaus = {
            u.area_code[:6]: u.pk for u in Unit.unscoped.filter(kind=Unit.Kind.BUREAU, is_active=True).order_by("-id")
        }
        notes = []
        for _pk, number, unit_id, area_code, due_on in rows:
            text = f"督办：群众投诉{number}已超过答复期限（{due_on:%Y-%m-%d}），请立即答复"
            notes.append(Notification(unit_id=unit_id, text=text))
            if bureau := bureaus.get(area_code[:6]):
                notes.append(Notification(unit_id=bureau, text=text))
        Notification.objects.bulk_create(notes)
    return {"supervised": len(rows)}


# ------------------------------------------------------------------ bookings


def service_points(area_code: str = ""):
    points = ServicePoint.unscoped.filter(is_active=True).prefetch_related("items").select_related("unit")
    if area_code:
        points = points.filter(area_code__startswith=county_of(area_code)[:6])
    return points.order_by("area_code", "kind", "id")


def _contact_worker(household: Household) -> User | None:
    contact = HouseholdContact.objects.filter(household=household).select_related("worker").first()
    if contact is not None:
        return contact.worker
    return (
        User.objects.filter(
            unit__area_code=household.area_code[:12], is_active=True, roles__code=RoleCode.LIVELIHOOD_WORKER
        )
        .order_by("id")
        .first()
    )


@transaction.atomic
def book(
    account: ResidentAccount,
    household: Household,
    *,
    kind: str,
    starts_at: datetime,
    need: str,
    item: ServiceItem | None = None,
    point: ServicePoint | None = None,
) -> Booking:
    """上门服务 goes to the household's contact worker (分片包村); 错时服务 to the window of the chosen
    service point, at the time the resident picked."""
    need = (need or "").strip()
    if not need:
        raise DomainError(PortalCode.BAD_INPUT, "请说明需要办理什么")
    if starts_at <= timezone.now():
        raise DomainError(PortalCode.BAD_INPUT, "预约时间须晚于现在")
    worker = None
    if kind == Booking.Kind.HOME:
        worker = _contact_worker(household)
        if worker is None or worker.unit is None:
            raise DomainError(PortalCode.NO_WINDOW, "您所在村(社区)暂未安排民生员，请拨打乡镇民政办电话")
        unit = worker.unit
    elif kind == Booking.Kind.OFF_HOURS:
        if point is None:
            raise DomainError(PortalCode.BAD_INPUT, "请选择服务网点")
        unit = point.unit or township_office(point.area_code)
        if unit is None:
            raise DomainError(PortalCode.NO_WINDOW, "该网点暂未配置受理单位")
    else:
        raise DomainError(PortalCode.BAD_INPUT, "请选择服务方式")
    return Booking.objects.create(
        account=account,
        household=household,
        kind=kind,
        item=item,
        point=point,
        need=need[:300],
        starts_at=starts_at,
        worker=worker,
        unit=unit,
        area_code=household.area_code,
    )


def bookings_for(user):
    """A worker's home visits, or their window's off-hours appointments, in the current scope."""
    return (
        Booking.objects.filter(Q(worker=user) | Q(kind=Booking.Kind.OFF_HOURS, unit_id=user.unit_id))
        .select_related("household__head", "item", "point")
        .order_by("status", "starts_at", "id")
    )


@transaction.atomic
def finish_booking(*, user, booking: Booking, result: str) -> Booking:
    result = (result or "").strip()
    if not result:
        raise DomainError(PortalCode.BAD_INPUT, "请填写服务结果")
    if booking.worker_id != user.pk and not (
        booking.kind == Booking.Kind.OFF_HOURS and booking.unit_id == user.unit_id
    ):
        raise DomainError(PortalCode.NO_PERMISSION, "这不是您的预约")
    changed = update_logged(
        Booking.objects.filter(status=Booking.Status.BOOKED),
        booking,
        status=Booking.Status.DONE,
        result=result[:300],
        done_at=timezone.now(),
        done_by=user,
    )
    if not changed:
        raise DomainError(PortalCode.STATE_CONFLICT, "该预约已办结")
    return booking


# ------------------------------------------------------------------ 明白卡


@dataclass
class CardLine:
    programme: str
    beneficiary: str
    status: str
    covered: int
    amount: Decimal
    standard: str
    working: str
    start_month: date
    next_review: date | None


@dataclass
class ClarityCard:
    household: Household
    head: str
    lines: list[CardLine] = field(default_factory=list)
    contact: str = ""
    contact_phone: str = ""
    office: str = ""
    office_phone: str = ""
    supervisors: list[ConductSupervisor] = field(default_factory=list)


def _standard(programme: str, household: Household, policy: Policy) -> str:
    try:
        if programme in (Programme.DIBAO, Programme.EDGE):
            key = (
                ParameterKey.DIBAO_STANDARD_URBAN
                if household.kind == Household.Kind.URBAN
                else ParameterKey.DIBAO_STANDARD_RURAL
            )
            return f"{'城市' if household.kind == Household.Kind.URBAN else '农村'}低保标准{policy.amount(key)}元/人·月"
        if programme == Programme.ORPHAN:
            return f"孤儿基本生活费{policy.amount(ParameterKey.ORPHAN_AMOUNT)}元/人·月"
        if programme == Programme.UNSUPPORTED_CHILD:
            return f"事实无人抚养儿童基本生活费{policy.amount(ParameterKey.UNSUPPORTED_CHILD_AMOUNT)}元/人·月"
        if programme == Programme.DISABILITY_LIVING:
            return f"困难残疾人生活补贴{policy.amount(ParameterKey.DISABILITY_LIVING_AMOUNT)}元/人·月"
    except Exception:
        return "按本地政策标准"
    return "按本地政策标准"


def clarity_card(household: Household, on_date: date) -> ClarityCard:
    """明白卡: every enrolment of the household in payment, its standard, how the amount was
    computed (the decision's working), the next review, the contact worker, the township office
    and the township's 行风监督员."""
    policy = Policy.for_area(household.area_code, on_date)
    enrolments = list(
        Enrolment.objects.filter(household=household)
        .exclude(status=Enrolment.Status.STOPPED)
        .select_related("beneficiary")
        .order_by("programme", "id")
    )
    working = {}
    for event in EnrolmentEvent.objects.filter(enrolment__in=enrolments).order_by("id"):
        text = (event.details or {}).get("working")
        if text:
            working[event.enrolment_id] = text if isinstance(text, str) else "；".join(map(str, text))
    reviews = dict(ReviewSchedule.objects.filter(enrolment__in=enrolments).values_list("enrolment_id", "due_on"))
    card = ClarityCard(household=household, head=mask_name(household.head.name if household.head_id else ""))
    for e in enrolments:
        card.lines.append(
            CardLine(
                programme=Programme(e.programme).label,
                beneficiary=mask_name(e.beneficiary.name) if e.beneficiary_id else "全户",
                status=e.get_status_display(),
                covered=e.covered_members,
                amount=e.monthly_amount,
                standard=_standard(e.programme, household, policy),
                working=working.get(e.pk, "按审核确认时核定的家庭收入和保障人口计算（详见审核确认通知书）"),
                start_month=e.start_month,
                next_review=reviews.get(e.pk),
            )
        )
    worker = _contact_worker(household)
    if worker is not None:
        card.contact = worker.full_name or worker.username
        card.contact_phone = getattr(worker, "phone", "") or ""
    office = township_office(household.area_code)
    if office is not None:
        card.office, card.office_phone = office.name, office.phone
    card.supervisors = conduct_supervisors(household.area_code)
    return card


def conduct_supervisors(area_code: str) -> list[ConductSupervisor]:
    """The 行风监督员 of the area's township (public: named on notice boards and 明白卡)."""
    return list(ConductSupervisor.unscoped.filter(area_code=township_of(area_code), is_active=True).order_by("id"))
