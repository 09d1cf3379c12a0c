"""公示: the village/community notice of an application (masked name, household size, proposed
amount only), objections from anyone (named or anonymous) or from staff, and the re-run after the
objection was re-investigated or appraised (民主评议)."""

from datetime import date, timedelta

from django.db import transaction

from accounts.models import Unit
from areas.codes import township_of
from areas.models import Area
from assistance.casework import Application, Appraisal, Objection, PublicNotice, Survey
from assistance.errors import AssistanceCode
from assistance.procedure import current_step
from cases import hooks
from cases.models import CaseStep, StepDefinition
from core.errors import DomainError
from core.masking import mask_name


def latest_notice(application: Application) -> PublicNotice | None:
    return application.notices.order_by("-round").first()


def open_objections(application: Application):
    return Objection.objects.filter(notice__application=application, status=Objection.Status.OPEN)


def _township_office(area_code: str) -> Unit | None:
    return Unit.unscoped.filter(
        kind=Unit.Kind.TOWNSHIP_OFFICE, area_code=township_of(area_code), is_active=True
    ).first()


def start_public_notice(application: Application, step: CaseStep, on_date: date) -> PublicNotice:
    """Generate the notice for the village or community, for the period of the engine's notice step."""
    version = application.case.version
    if not version.notice_required:  # the catalogue says which items are not noticed (children's privacy)
        raise DomainError(AssistanceCode.NO_NOTICE, f"“{version.item.name}”按服务事项清单不公示")
    previous = latest_notice(application)
    area = Area.objects.filter(code=application.area_code[:12]).first()
    office = _township_office(application.area_code)
    head = application.beneficiary or application.household.head
    notice = PublicNotice.objects.create(
        application=application,
        round=(previous.round + 1) if previous else 1,
        village_name=area.name if area else application.area_code[:12],
        starts_on=on_date,
        ends_on=step.due_on,
        masked_name=mask_name(head.name if head else ""),
        household_size=application.covered_members,
        amount=application.proposed_amount or 0,
        contact_unit=office.name if office else "乡镇（街道）民政办",
        contact_phone=office.phone if office else "",
        area_code=application.area_code,
    )
    hooks.note(
        application.case,
        None,
        on_date,
        f"在{notice.village_name}公示（第{notice.round}轮），{notice.starts_on}张贴，"
        f"公示期{notice.period.days}天自{notice.period.first_day}至{notice.ends_on}",
        step=step,
        data={"notice": str(notice.token)},
    )
    return notice


def check_notice_may_end(application: Application, on_date: date | None) -> None:
    notice = latest_notice(application)
    if notice is None:
        raise DomainError(AssistanceCode.NO_NOTICE, "尚未生成公示")
    if open_objections(application).exists() or notice.status == PublicNotice.Status.OBJECTED:
        raise DomainError(AssistanceCode.OBJECTION_OPEN, "公示期间收到异议：须重新调查核实或民主评议后重新公示")
    if on_date is not None and on_date <= notice.ends_on:  # the last day is a day of the notice
        raise DomainError(
            AssistanceCode.NOTICE_RUNNING,
            f"公示期至{notice.ends_on:%Y年%m月%d日}（含当日）届满，"
            f"{notice.ends_on + timedelta(days=1):%Y年%m月%d日}起方可办理",
        )


def complete_notice(application: Application) -> None:
    PublicNotice.objects.filter(application=application, status=PublicNotice.Status.RUNNING).update(
        status=PublicNotice.Status.COMPLETED
    )


def lodge_objection(
    *,
    notice: PublicNotice,
    on_date: date,
    content: str,
    name: str = "",
    phone: str = "",
    anonymous: bool = False,
    user=None,
) -> Objection:
    """异议 during the notice: blocks confirmation until re-investigated or appraised and re-noticed."""
    content = (content or "").strip()
    if not content:
        raise DomainError(AssistanceCode.AMOUNT, "请填写异议内容")
    if notice.status not in (PublicNotice.Status.RUNNING, PublicNotice.Status.OBJECTED):
        raise DomainError(AssistanceCode.NOTICE_RUNNING, "该公示已结束，不能再提出异议")
    if user is None and not (notice.starts_on <= on_date <= notice.ends_on):
        raise DomainError(AssistanceCode.NOTICE_RUNNING, f"公示期为{notice.starts_on}至{notice.ends_on}，不在公示期内")
    if not anonymous and user is None and not name.strip():
        raise DomainError(AssistanceCode.AMOUNT, "实名反映请填写姓名，或选择匿名反映")
    with transaction.atomic():
        objection = Objection.objects.create(
            notice=notice,
            lodged_on=on_date,
            anonymous=anonymous,
            name="" if anonymous else name.strip(),
            phone="" if anonymous else phone.strip(),
            content=content,
            lodged_by=user,
            area_code=notice.area_code,
        )
        # unscoped: a resident objecting from the public page has no jurisdiction of their own
        PublicNotice.unscoped.filter(pk=notice.pk).update(status=PublicNotice.Status.OBJECTED)
        notice.status = PublicNotice.Status.OBJECTED
        who = "匿名" if anonymous else ("工作人员登记" if user is not None else "实名")
        hooks.note(
            notice.application.case,
            user,
            on_date,
            f"公示收到异议（{who}）：{content}。须重新调查核实或民主评议",
            data={"objection": objection.pk},
        )
    return objection


def resolve_objections(
    *, user, application: Application, on_date: date, resolution: str, outcome: str, note: str
) -> int:
    """The objections were re-investigated (a 异议复查 survey) or appraised (民主评议) since lodged,
    and the answer says whether they were found right (成立) or not (不成立): an upheld objection
    counts against the township's 初审 in the monthly evaluation (supervision.indicators)."""
    objections = list(open_objections(application))
    if not objections:
        raise DomainError(AssistanceCode.NOTICE_NOT_OBJECTED, "没有待处理的公示异议")
    since = min(o.lodged_on for o in objections)
    if resolution == Objection.Resolution.RE_INVESTIGATED:
        done = application.surveys.filter(kind=Survey.Kind.RE_INVESTIGATION, visited_on__gte=since).exists()
        message = "请先录入异议复查（重新调查核实）记录"
    elif resolution == Objection.Resolution.APPRAISED:
        done = Appraisal.objects.filter(application=application, held_on__gte=since).exists()
        message = "请先录入民主评议记录"
    else:
        raise DomainError(AssistanceCode.AMOUNT, "请选择处理方式")
    if not done:
        raise DomainError(AssistanceCode.OBJECTION_OPEN, message)
    if outcome not in Objection.Outcome.values:
        raise DomainError(AssistanceCode.AMOUNT, "请选择异议是否成立")
    if not (note or "").strip():
        raise DomainError(AssistanceCode.AMOUNT, "请填写异议处理结果")
    changed = Objection.objects.filter(pk__in=[o.pk for o in objections], status=Objection.Status.OPEN).update(
        status=Objection.Status.RESOLVED,
        resolution=resolution,
        resolution_note=note.strip(),
        outcome=outcome,
        resolved_on=on_date,
        resolved_by=user,
    )
    label = Objection.Resolution(resolution).label
    verdict = Objection.Outcome(outcome).label
    hooks.note(application.case, user, on_date, f"公示异议已处理（{label}，{verdict}）：{note.strip()}")
    return changed


def rerun_public_notice(*, user, application: Application, on_date: date, opinion: str) -> PublicNotice:
    """重新初审 after the objection was dealt with, and the notice runs again for its full period."""
    notice = latest_notice(application)
    if notice is None or notice.status != PublicNotice.Status.OBJECTED:
        raise DomainError(AssistanceCode.NOTICE_NOT_OBJECTED, "只有收到异议的公示需要重新公示")
    if open_objections(application).exists():
        raise DomainError(AssistanceCode.OBJECTION_OPEN, "异议尚未处理完毕，不能重新公示")
    step = current_step(application)
    if step is None or step.definition.kind != StepDefinition.Kind.NOTICE:
        raise DomainError(AssistanceCode.WRONG_STEP, "当前不在公示环节")
    if not (opinion or "").strip():
        raise DomainError(AssistanceCode.AMOUNT, "请填写重新初审意见")
    with transaction.atomic():
        PublicNotice.objects.filter(pk=notice.pk).update(status=PublicNotice.Status.SUPERSEDED)
        hooks.note(application.case, user, on_date, f"重新初审：{opinion.strip()}")
        hooks.restart_notice(step, user=user, on_date=on_date, reason="异议处理后重新公示")
        application.refresh_from_db()
        return start_public_notice(application, step, on_date)


def running_notices_for(village_code: str, on_date: date):
    """The notices posted in one village or community today (public pages read them unscoped)."""
    return (
        PublicNotice.unscoped.filter(
            area_code__startswith=village_code[:12],
            status__in=[PublicNotice.Status.RUNNING, PublicNotice.Status.OBJECTED],
            starts_on__lte=on_date,
        )
        .select_related("application")
        .order_by("starts_on", "id")
    )
