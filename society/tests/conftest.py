"""Society tests: the root conftest's 新邵县 / 酿溪镇 / 城西社区 people, plus a charity with its staff
account (服务机构人员) and the township's social-work station with its social worker."""

import pytest

from conftest import COUNTY, TOWNSHIP_A, VILLAGE_A


@pytest.fixture
def charity(county_bureau):
    from registry.models import Organisation
    from registry.tests.factories import OrganisationFactory

    return OrganisationFactory(name="新邵县慈善总会", kind=Organisation.Kind.CHARITY, area_code=COUNTY)


@pytest.fixture
def station(township_a):
    from registry.models import Organisation
    from registry.tests.factories import OrganisationFactory

    return OrganisationFactory(name="酿溪镇社工站", kind=Organisation.Kind.SOCIAL_WORK_STATION, area_code=TOWNSHIP_A)


@pytest.fixture
def jigou(township_a, charity):
    from accounts.tests.factories import StaffFactory
    from society.models import OrganisationStaff

    user = StaffFactory(username="jigou_t", full_name="吴机构", unit=township_a, roles=["provider_staff"])
    OrganisationStaff.objects.create(user=user, organisation=charity)
    return user


@pytest.fixture
def shegong(township_a, station):
    from accounts.tests.factories import StaffFactory
    from society.models import OrganisationStaff

    user = StaffFactory(username="shegong_t", full_name="周社工", unit=township_a, roles=["social_worker"])
    OrganisationStaff.objects.create(user=user, organisation=station)
    return user


@pytest.fixture
def household(worker_a):
    from registry.tests.factories import HouseholdFactory

    return HouseholdFactory(area_code=VILLAGE_A)


def make_resource(
    organisation, area_code, *, kind="medical", form="funds", quantity="10000", remaining=None, name="善款"
):
    from decimal import Decimal

    from society.lists import area_prefix
    from society.models import Resource

    return Resource.objects.create(
        organisation=organisation,
        area_code=area_code,
        area_prefix=area_prefix(area_code),
        form=form,
        kind=kind,
        name=name,
        quantity=Decimal(quantity),
        remaining=Decimal(remaining or quantity),
        unit="元" if form == "funds" else "份",
    )


def make_need(user, household, *, kind="medical", quantity="5000", **extra):
    from datetime import date
    from decimal import Decimal

    from society import lists

    return lists.record_need(
        user=user,
        household=household,
        kind=kind,
        description="住院自付费用缺口",
        quantity=Decimal(quantity),
        unit="元",
        source="visit",
        consent_on=date(2026, 1, 5),
        consent_note="户主签字同意",
        **extra,
    )
