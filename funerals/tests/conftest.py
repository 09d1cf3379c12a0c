"""Funeral tests: the demo county's amounts in force, a funeral home and a cemetery."""

from datetime import date

import pytest

from policy.tests.factories import local_amounts


@pytest.fixture(autouse=True)
def county_amounts(db):
    local_amounts(effective_from=date(2024, 1, 1))


@pytest.fixture
def funeral_home(db):
    from registry.models import Organisation
    from registry.tests.factories import OrganisationFactory

    return OrganisationFactory(
        kind=Organisation.Kind.FUNERAL_HOME,
        name="新邵县殡仪馆",
        area_code="430522100000",
        credit_code="12430522MB0000001X",
    )


@pytest.fixture
def cemetery(db):
    from registry.models import Organisation
    from registry.tests.factories import OrganisationFactory

    return OrganisationFactory(kind=Organisation.Kind.CEMETERY, name="新邵县福寿园公墓", area_code="430522100000")
