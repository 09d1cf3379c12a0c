"""Institutions, providers and carers for the elderly-care tests."""

from decimal import Decimal

from eldercare.models import Carer, HomeCareItem, InstitutionProfile
from eldercare.services import set_beds
from registry.models import Organisation
from registry.tests.factories import OrganisationFactory


def institution(area_code="430522100000", beds=None, **profile) -> InstitutionProfile:
    org = OrganisationFactory(kind=Organisation.Kind.ELDERLY_INSTITUTION, name="酿溪镇敬老院", area_code=area_code)
    found = InstitutionProfile.objects.create(organisation=org, area_code=area_code, **profile)
    set_beds(found, beds or {"self_care": 2, "partly_disabled": 1, "fully_disabled": 0})
    return found


def provider(area_code="430522100000", user=None):
    org = OrganisationFactory(kind=Organisation.Kind.CARE_PROVIDER, name="夕阳红居家养老服务中心", area_code=area_code)
    found = InstitutionProfile.objects.create(organisation=org, area_code=area_code, ownership="private")
    meals = HomeCareItem.objects.create(provider=found, name="助餐", hourly_price=Decimal("30"), area_code=area_code)
    cleaning = HomeCareItem.objects.create(provider=found, name="助洁", hourly_price=Decimal("40"), area_code=area_code)
    carer = Carer.objects.create(provider=found, name="邓护理", user=user, area_code=area_code)
    return found, meals, cleaning, carer
