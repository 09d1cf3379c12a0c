"""One intake (一门受理) for 政府购买居家养老服务: the line's record is the service order (派单: a
provider and its service items, the hours from the person's classes), which only the line's own
form chooses. The one-window desk therefore never opens a bare case for it: it sends the clerk to
that form with the household or the elderly person filled in (cases.hooks.register_line_intake),
and an active order for the person refuses a second application at either window with a link."""

from urllib.parse import urlencode

from django.urls import reverse

from core.errors import DomainError
from eldercare.errors import ElderCode
from eldercare.models import HomeCareOrder

HOME_CARE_ITEMS = ["home_care"]


def intake_page(item, household, person=None) -> str:
    """The line's own order form, with the person (or the household to choose them from)."""
    query = {"person": person.pk} if person is not None else {"household": household.pk} if household else {}
    return f"{reverse('eldercare:order_new')}?{urlencode(query)}" if query else reverse("eldercare:order_new")


def _first_order(person) -> HomeCareOrder | None:
    # unscoped: an order made by another township's desk still counts
    orders = HomeCareOrder.unscoped.filter(person=person, status=HomeCareOrder.Status.ACTIVE)
    return orders.order_by("id").first()


def one_intake_guard(*, item, household, applicant, subject) -> None:
    """A second application for home care while the person has an active order: refused, with a
    link to the orders."""
    if item.code not in HOME_CARE_ITEMS or subject is None:
        return
    first = _first_order(subject)
    if first is not None:
        raise DomainError(
            ElderCode.ORDER_EXISTS,
            f"{subject.name}已有服务中的居家养老服务工单（{first.start_month:%Y年%m月}起），不能重复申请",
            url=reverse("eldercare:orders"),
        )


def take_in(*, user, item, household, on_date, applicant=None, documents=(), phone="", calendar=None, subject=None):
    """The desk has no provider nor service items: refused with a link to the order form."""
    person = subject or applicant
    if person is not None:
        one_intake_guard(item=item, household=household, applicant=applicant, subject=person)
    raise DomainError(
        ElderCode.BAD_INPUT,
        f"“{item.name}”须选择服务组织和服务项目派单，请转到居家养老派单办理（已带出该家庭或老人）",
        url=intake_page(item, household, person),
    )
