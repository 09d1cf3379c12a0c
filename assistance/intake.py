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
    from assistance.procedure import ITEM_OF, MEANS_TESTED, TEMPORARY

    return sorted(ITEM_OF[programme] for programme in MEANS_TESTED | TEMPORARY)


# The items whose case needs what only the assistance desk records or decides: the household
# composition and the signed authorisation (means-tested), the amount and 先行救助 (临时救助).
TAKEN_IN_HERE = _taken_in_here()


def intake_page(item, household) -> str:
    """The social-assistance desk's form for this household and programme."""
    query = {"programme": PROGRAMME_OF_ITEM[item.code]}
    if household is not None:
        query["household"] = household.pk
    return f"{reverse('assistance:apply')}?{urlencode(query)}"


def take_in(*, user, item, household, on_date, applicant=None, documents=(), phone="", calendar=None, subject=None):
    """A 社会救助 item accepted on another path (the one-window desk, the API, a warning's or a grid
    event's 转化为申请) becomes an assistance application like one from the assistance desk, so every
    such case has its application (composition, authorisation, its own page). A means-tested
    programme needs the signed authorisation, which only the assistance desk records: it is refused
    with a link to that form, filled in with the household."""
    from assistance.procedure import MEANS_TESTED, apply_for_assistance

    programme = PROGRAMME_OF_ITEM[item.code]
    if programme in MEANS_TESTED:
        raise DomainError(
            AssistanceCode.AUTHORISATION_MISSING,
            f"“{item.name}”须核定共同生活家庭成员并由其签署家庭经济状况核对授权书，"
            "请转到社会救助受理办理（已带出该家庭）",
            url=intake_page(item, household),
        )
    application = apply_for_assistance(
        user=user,
        programme=programme,
        household=household,
        on_date=on_date,
        applicant=applicant,
        beneficiary=subject,
        documents=documents,
        phone=phone,
        calendar=calendar,
        facts={"source": "一门受理"},
    )
    return application.acceptance
