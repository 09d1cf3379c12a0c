"""One intake (一门受理): a household, or for a personal programme a person, has at most one open
application per programme, whichever window accepted it — the one-window desk (cases:accept) or
the social-assistance desk (assistance:apply). The second is refused with a link to the first.
Registered with cases.hooks as an acceptance guard, so every path that opens a case asks."""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from assistance.errors import AssistanceCode
from assistance.procedure import PROGRAMME_OF_ITEM
from cases.models import Case
from core.errors import DomainError
from ledger.services import PERSONAL_PROGRAMMES


def open_application_for(*, item, household, subject) -> Case | None:
    """The open case of this programme for this household (or, for a personal programme, for this
    person), accepted at either window; None when there is none or the item is no programme."""
    programme = PROGRAMME_OF_ITEM.get(item.code)
    if programme is None:
        return None
    # unscoped: the first application may have been accepted at another unit's window
    cases = Case.unscoped.filter(item__code=item.code, household=household, status__in=Case.OPEN)
    if programme in PERSONAL_PROGRAMMES and subject is not None:
        cases = cases.filter(Q(assistance__beneficiary=subject) | Q(assistance__isnull=True, applicant=subject))
    return cases.select_related("item").order_by("id").first()


def link_to(case: Case) -> str:
    application_id = getattr(getattr(case, "assistance", None), "pk", None)
    if application_id:
        return reverse("assistance:detail", args=[application_id])
    return reverse("cases:detail", args=[case.pk])


def one_intake_guard(*, item, household, applicant, subject) -> None:
    """Refuse a second open application for the same programme (with the first one's link)."""
    first = open_application_for(item=item, household=household, subject=subject)
    if first is None:
        return
    whom = f"{subject.name}" if PROGRAMME_OF_ITEM[item.code] in PERSONAL_PROGRAMMES and subject else "该家庭"
    raise DomainError(
        AssistanceCode.OPEN_APPLICATION,
        f"{whom}已有一件正在办理的“{first.item.name}”申请（受理编号{first.receipt_no}，"
        f"{first.accepted_on:%Y年%m月%d日}受理），不能重复受理，请在原申请中继续办理",
        case_id=first.pk,
        receipt_no=first.receipt_no,
        url=link_to(first),
    )


def _taken_in_here() -> list[str]:
    from assistance.procedure import DISABILITY_PROGRAMMES, ITEM_OF

    return sorted(code for programme, code in ITEM_OF.items() if programme not in DISABILITY_PROGRAMMES)


# Every item whose record is an assistance Application: 社会救助 (composition and the signed
# authorisation for the means-tested, the amount and 先行救助 for 临时救助), and the subsidies paid to
# one person the same way — the children's items (孤儿, 事实无人抚养儿童, 困境儿童) and the elderly items
# (高龄津贴, 经济困难老年人服务补贴). 两项补贴 stay one-window cases: accepted with the 残疾人证 and decided
# at the window's own steps, the case engine their record.
TAKEN_IN_HERE = _taken_in_here()


def intake_page(item, household, person=None) -> str:
    """The social-assistance desk's form for this household and programme (and person, when known)."""
    query = {"programme": PROGRAMME_OF_ITEM[item.code]}
    if household is not None:
        query["household"] = household.pk
    if person is not None:
        query["beneficiary"] = person.pk
    return f"{reverse('assistance:apply')}?{urlencode(query)}"


def beneficiary_for(*, item, household, applicant, subject):
    """Who a personal subsidy taken in at another window is for, or a DomainError naming what the
    desk lacks (with a link to the assistance form, the household and any person filled in):
    the person the window named, else the applicant — for 两项补贴 a person with a recorded
    disability grade; for the children's items only a child the window names (the applicant at a
    window is the guardian, never the child)."""
    from assistance.procedure import CHILD_PROGRAMMES, DISABILITY_PROGRAMMES

    programme = PROGRAMME_OF_ITEM[item.code]
    named = subject if subject is not None and subject != applicant else None
    if programme in CHILD_PROGRAMMES and named is None:
        raise DomainError(
            AssistanceCode.BENEFICIARY_MISSING,
            f"“{item.name}”须指定享受的儿童，请转到社会救助受理选择儿童（已带出该家庭）",
            url=intake_page(item, household),
        )
    person = named or subject or applicant
    if person is None:
        raise DomainError(
            AssistanceCode.BENEFICIARY_MISSING,
            f"“{item.name}”按人享受，请转到社会救助受理选择享受人（已带出该家庭）",
            url=intake_page(item, household),
        )
    if programme in DISABILITY_PROGRAMMES and not person.disability_grade:
        raise DomainError(
            AssistanceCode.NOT_ELIGIBLE,
            f"{person.name}没有登记残疾等级，“{item.name}”须由持残疾人证的本人享受，"
            "请转到社会救助受理选择享受人（已带出该家庭）",
            url=intake_page(item, household, person),
        )
    return person


def take_in(*, user, item, household, on_date, applicant=None, documents=(), phone="", calendar=None, subject=None):
    """An item the assistance line records, accepted on another path (the one-window desk, the API,
    a warning's or a grid event's 转化为申请), becomes an assistance application like one from the
    assistance desk, so every such case has its application (composition, authorisation, its own
    page) — never a bare case. A means-tested programme needs the signed authorisation, which only
    the assistance desk records, and a personal subsidy its beneficiary (beneficiary_for): without
    them it is refused with a link to that form, filled in with the household."""
    from assistance.procedure import MEANS_TESTED, TEMPORARY, apply_for_assistance

    programme = PROGRAMME_OF_ITEM[item.code]
    if programme in MEANS_TESTED:
        raise DomainError(
            AssistanceCode.AUTHORISATION_MISSING,
            f"“{item.name}”须核定共同生活家庭成员并由其签署家庭经济状况核对授权书，"
            "请转到社会救助受理办理（已带出该家庭）",
            url=intake_page(item, household),
        )
    beneficiary = subject
    if programme in PERSONAL_PROGRAMMES and programme not in TEMPORARY:
        beneficiary = beneficiary_for(item=item, household=household, applicant=applicant, subject=subject)
    application = apply_for_assistance(
        user=user,
        programme=programme,
        household=household,
        on_date=on_date,
        applicant=applicant,
        beneficiary=beneficiary,
        documents=documents,
        phone=phone,
        calendar=calendar,
        facts={"source": "一门受理"},
    )
    return application.acceptance
