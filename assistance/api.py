"""REST API of social assistance (/api/v1/assistance): the actions a caller would automate on an
application (home-visit survey, objection, pass a step, confirm, refuse) and on a review case
(record its outcome). Same services and jurisdiction scoping as the pages; an application or
review outside it is a 404; errors come back as {code, message} like the cases API."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Router, Schema

from assistance import notice, procedure
from assistance.casework import Application, ReviewCase, Survey
from assistance.errors import AssistanceCode
from assistance.reviews import decide_review
from assistance.survey import record_survey
from cases.access import ensure_case_staff, is_department_officer
from core.api import ErrorOut
from core.errors import DomainError

router = Router(tags=["社会救助"])

# HTTP statuses of the assistance refusals (core.api.domain_error_handler answers them; 400 otherwise).
ERROR_STATUS = {AssistanceCode.NO_PERMISSION: 403, AssistanceCode.CLOSED: 409}


class ApplicationOut(Schema):
    id: int
    receipt_no: str
    programme: str
    decision: str
    current_step: str | None
    monthly_per_capita: Decimal | None
    proposed_amount: Decimal | None
    open_objections: int
    enrolment_id: int | None


class Investigator(Schema):
    name: str
    confirmed: bool = False


class IncomeItem(Schema):
    kind: str
    annual_amount: Decimal


class Neighbour(Schema):
    name: str
    statement: str = ""


class SurveyIn(Schema):
    visited_on: date | None = None
    kind: str = Survey.Kind.HOME_VISIT
    investigators: list[Investigator]
    income_items: list[IncomeItem] = []
    neighbours: list[Neighbour] = []
    deposits: Decimal = Decimal("0")
    vehicles: int = 0
    houses: int = 1
    finding: str = ""


class SurveyOut(Schema):
    id: int
    monthly_per_capita: Decimal | None
    application: ApplicationOut


class ObjectionIn(Schema):
    content: str
    name: str = ""
    phone: str = ""


class TextIn(Schema):
    text: str = ""


class ReviewIn(Schema):
    outcome: str  # kept / adjusted / gradual_exit / stopped / fraud
    reason: str
    new_amount: Decimal | None = None
    review_basis: str | None = None  # stable / unstable; left out: from the household's facts
    months_paid_wrongly: int = 0
    fine_multiple: Decimal = Decimal("1")


class ReviewOut(Schema):
    id: int
    enrolment_id: int
    outcome: str
    outcome_on: date | None
    outcome_note: str
    case_status: str


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _staff(request) -> ErrorOut | None:
    """Civil-affairs staff only, as on the pages (a 403 body instead of the pages' error page)."""
    if is_department_officer(request.user):
        return ErrorOut(code="no_permission", message="部门人员请通过转办事项办理")
    try:
        ensure_case_staff(request.user)
    except PermissionDenied:
        return ErrorOut(code="no_permission", message="您没有办理社会救助的权限")
    return None


def _application(pk: int) -> Application | None:
    return Application.objects.select_related("case", "case__version", "household__head").filter(pk=pk).first()


def _not_found():
    return 404, ErrorOut(code="not_found", message="找不到该申请，或不在您的辖区")


def _application_out(application: Application) -> ApplicationOut:
    application.refresh_from_db()
    step = procedure.current_step(application)
    return ApplicationOut(
        id=application.pk,
        receipt_no=application.case.receipt_no,
        programme=application.programme,
        decision=application.decision,
        current_step=step.name if step else None,
        monthly_per_capita=application.monthly_per_capita,
        proposed_amount=application.proposed_amount,
        open_objections=notice.open_objections(application).count(),
        enrolment_id=application.enrolment_id,
    )


@router.get("/applications/{pk}", response={200: ApplicationOut, **ERRORS}, summary="救助申请")
def application_detail(request, pk: int):
    if forbidden := _staff(request):
        return 403, forbidden
    application = _application(pk)
    if application is None:
        return _not_found()
    return 200, _application_out(application)


@router.post("/applications/{pk}/surveys", response={200: SurveyOut, **ERRORS}, summary="录入家庭经济状况调查")
def survey(request, pk: int, payload: SurveyIn):
    if forbidden := _staff(request):
        return 403, forbidden
    application = _application(pk)
    if application is None:
        return _not_found()
    recorded = record_survey(
        user=request.user,
        application=application,
        visited_on=payload.visited_on or timezone.localdate(),
        kind=payload.kind,
        investigators=[i.dict() for i in payload.investigators],
        income_items=[{"kind": i.kind, "annual_amount": str(i.annual_amount)} for i in payload.income_items],
        neighbours=[n.dict() for n in payload.neighbours],
        deposits=payload.deposits,
        vehicles=payload.vehicles,
        houses=payload.houses,
        finding=payload.finding,
    )
    return 200, SurveyOut(
        id=recorded.pk, monthly_per_capita=recorded.monthly_per_capita, application=_application_out(application)
    )


@router.post("/applications/{pk}/objections", response={200: ApplicationOut, **ERRORS}, summary="登记公示异议")
def objection(request, pk: int, payload: ObjectionIn):
    if forbidden := _staff(request):
        return 403, forbidden
    application = _application(pk)
    if application is None:
        return _not_found()
    current = notice.latest_notice(application)
    if current is None:
        raise DomainError(AssistanceCode.NO_NOTICE, "尚未公示")
    notice.lodge_objection(
        notice=current,
        on_date=timezone.localdate(),
        content=payload.content,
        name=payload.name,
        phone=payload.phone,
        user=request.user,
    )
    return 200, _application_out(application)


@router.post("/applications/{pk}/{action}", response={200: ApplicationOut, **ERRORS}, summary="通过 / 确认 / 不予确认")
def decide(request, pk: int, action: str, payload: TextIn):
    """pass: the current step after the programme's checks; confirm: 审核确认 (enrolled from next
    month); refuse: 不予确认 with the reason in `text`."""
    if forbidden := _staff(request):
        return 403, forbidden
    application = _application(pk)
    if application is None:
        return _not_found()
    common = {"user": request.user, "application": application, "on_date": timezone.localdate()}
    if action == "pass":
        procedure.pass_step(**common, opinion=payload.text)
    elif action == "confirm":
        procedure.confirm_application(**common, opinion=payload.text)
    elif action == "refuse":
        procedure.refuse_application(**common, reason=payload.text)
    else:
        return 404, ErrorOut(code="not_found", message="没有这个办理动作")
    return 200, _application_out(application)


@router.post("/reviews/{pk}/decide", response={200: ReviewOut, **ERRORS}, summary="记录复核结果")
def review_decide(request, pk: int, payload: ReviewIn):
    if forbidden := _staff(request):
        return 403, forbidden
    review = ReviewCase.objects.select_related("enrolment", "case").filter(pk=pk).first()
    if review is None:
        return 404, ErrorOut(code="not_found", message="找不到该复核案件，或不在您的辖区")
    review = decide_review(
        user=request.user,
        review=review,
        on_date=timezone.localdate(),
        outcome=payload.outcome,
        reason=payload.reason,
        new_amount=payload.new_amount,
        review_basis=payload.review_basis,
        months_paid_wrongly=payload.months_paid_wrongly,
        fine_multiple=payload.fine_multiple,
    )
    review.case.refresh_from_db()
    return 200, ReviewOut(
        id=review.pk,
        enrolment_id=review.enrolment_id,
        outcome=review.outcome,
        outcome_on=review.outcome_on,
        outcome_note=review.outcome_note,
        case_status=review.case.status,
    )
