"""The register of organisations (机构) the lines share: scoped by area, one row per credit code."""

import pytest
from django.db import IntegrityError, transaction

from areas.jurisdiction import Scope, within
from registry.models import Organisation
from registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_township_sees_only_the_organisations_registered_in_its_area():
    OrganisationFactory(name="酿溪镇慈善会", area_code="430522100201")
    OrganisationFactory(name="严塘镇养老院", area_code="430522104201", kind=Organisation.Kind.ELDERLY_INSTITUTION)

    with within(Scope(prefix="430522100")):
        assert list(Organisation.objects.values_list("name", flat=True)) == ["酿溪镇慈善会"]


def test_one_credit_code_is_one_organisation_while_unregistered_ones_may_share_a_blank_code():
    OrganisationFactory(credit_code="53430522MJ1234567X")
    OrganisationFactory(credit_code="")
    OrganisationFactory(credit_code="")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(credit_code="53430522MJ1234567X")
