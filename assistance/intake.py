"""One intake (一门受理): a household, or for a personal programme a person, has at most one open
application per programme, whichever window accepted it — the one-window desk (cases:accept) or
the social-assistance desk (assistance:apply). The second is refused with a link to the first.
Registered with cases.hooks as an acceptance guard, so every path that opens a case asks."""

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
