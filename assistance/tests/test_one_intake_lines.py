"""One intake for the other lines (issue 18 §3): the one-window desk takes in the two
disability subsidies (两项补贴), the children's items and the elderly items as their own line's
application — or refuses with a Chinese message and a link to that line's form, the household or
person filled in — never a bare case; a second open application for the same programme and person
is refused through either path with a link to the first."""

from datetime import date

import pytest

from assistance.casework import Application
from assistance.procedure import apply_for_assistance
from assistance.tests.factories import add_member
from cases.models import Case
from cases.services import accept_application
from cases.tests.factories import item
from core.errors import DomainError
from eldercare.models import HomeCareOrder
from eldercare.tests.factories import provider

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

ON = date(2025, 9, 22)


def member(family, name):
    return next(m.person for m in family.current_memberships() if m.person.name == name)


def desk(user, family, code, applicant=None, subject=None):
    """What the one-window paths do (the desk, the API, a warning's 转化为申请)."""
    return accept_application(
        user=user,
        item=item(code),
        household=family,
        on_date=ON,
        applicant=applicant,
        subject=subject,
        route_to_line=True,
    )


def test_a_disability_subsidy_stays_a_one_window_case(client, worker_a, wang_family):
    """两项补贴 are accepted and decided at the one window, with the 残疾人证 among the documents: the
    case engine is their record, as for the window's other items; no assistance application."""
    client.force_login(worker_a)
    for code in ("disability_living", "disability_care"):
        response = client.get(f"/cases/accept/?household={wang_family.pk}&item={code}")
        assert response.status_code == 200 and "残疾人证" in response.content.decode()
    assert not Application.objects.exists()


def test_a_childrens_item_needs_the_child_named(worker_a, wang_family):
    with pytest.raises(DomainError) as error:  # the applicant at a window is the guardian
        desk(worker_a, wang_family, "orphan", applicant=wang_family.head)
    assert "须指定享受的儿童" in error.value.message
    assert error.value.details["url"] == f"/assistance/apply/?programme=orphan&household={wang_family.pk}"
    assert not Case.objects.exists()
    child = member(wang_family, "李小雨")
    case = desk(worker_a, wang_family, "children_in_difficulty", applicant=wang_family.head, subject=child).case
    application = Application.objects.get(case=case)
    assert (application.programme, application.beneficiary, case.applicant) == (
        "child_difficulty",
        child,
        wang_family.head,
    )
    with pytest.raises(DomainError) as error:
        apply_for_assistance(
            user=worker_a, programme="child_difficulty", household=wang_family, on_date=ON, beneficiary=child
        )
    assert error.value.details["url"] == f"/assistance/{application.pk}/"


def test_an_elderly_allowance_from_either_desk_once(worker_a, wang_family):
    grandma = add_member(wang_family, "王奶奶", "50", date(1930, 2, 1), sex="F")
    first = apply_for_assistance(
        user=worker_a, programme="elderly_allowance", household=wang_family, on_date=ON, beneficiary=grandma
    )
    with pytest.raises(DomainError) as error:  # the desk after the assistance desk
        desk(worker_a, wang_family, "elderly_allowance", applicant=grandma)
    assert error.value.code == "open_application" and error.value.details["url"] == f"/assistance/{first.pk}/"
    # another person's allowance is another application
    case = desk(worker_a, wang_family, "elderly_service_subsidy", applicant=grandma).case
    assert Application.objects.get(case=case).beneficiary == grandma


def test_home_care_goes_to_the_order_form_and_an_active_order_refuses_a_second(worker_a, wang_family):
    grandma = add_member(wang_family, "王奶奶", "50", date(1930, 2, 1), sex="F")
    with pytest.raises(DomainError) as error:
        desk(worker_a, wang_family, "home_care", applicant=grandma)
    assert "请转到居家养老派单办理" in error.value.message
    assert error.value.details["url"] == f"/eldercare/home-care/new/?person={grandma.pk}"
    assert not Case.objects.exists()
    found, _meals, _cleaning, _carer = provider()
    HomeCareOrder.objects.create(
        person=grandma,
        household=wang_family,
        provider=found,
        hours_per_month=10,
        basis="高龄",
        start_month=date(2025, 9, 1),
        area_code=grandma.area_code,
    )
    for path in (
        lambda: desk(worker_a, wang_family, "home_care", applicant=grandma),
        lambda: accept_application(  # a path that does not route to the line: the guard still holds
            user=worker_a, item=item("home_care"), household=wang_family, on_date=ON, applicant=grandma
        ),
    ):
        with pytest.raises(DomainError) as error:
            path()
        assert "已有服务中的居家养老服务工单" in error.value.message
        assert error.value.details["url"] == "/eldercare/home-care/"


@pytest.mark.parametrize(
    ("code", "target"),
    [
        ("orphan", "/assistance/apply/?programme=orphan&household={pk}"),
        ("unsupported_child", "/assistance/apply/?programme=unsupported_child&household={pk}"),
        ("children_in_difficulty", "/assistance/apply/?programme=child_difficulty&household={pk}"),
        ("elderly_allowance", "/assistance/apply/?programme=elderly_allowance&household={pk}"),
        ("elderly_service_subsidy", "/assistance/apply/?programme=elderly_service&household={pk}"),
        ("home_care", "/eldercare/home-care/new/?household={pk}"),
    ],
)
def test_the_one_window_page_sends_each_line_to_its_own_form(client, worker_a, wang_family, code, target):
    client.force_login(worker_a)
    response = client.get(f"/cases/accept/?household={wang_family.pk}&item={code}")
    assert response.status_code == 302
    assert response["Location"] == target.format(pk=wang_family.pk)
    assert not Case.objects.exists()
