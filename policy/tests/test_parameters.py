"""Parameters are data with effective dates; the most specific area wins."""

from datetime import date

import pytest

from policy.models import PolicyParameter
from policy.parameters import MissingParameter, Policy
from policy.programmes import ParameterKey as K

pytestmark = pytest.mark.django_db


def test_national_defaults_are_loaded_by_migration():
    assert Policy.for_area("430522100201", date(2025, 1, 1)).number(K.EDGE_FACTOR) == 1.5


def test_county_value_overrides_province_and_dates_choose_the_version():
    PolicyParameter.objects.create(
        area_code="430000000000", key=K.DIBAO_STANDARD_RURAL, value="450", effective_from=date(2024, 1, 1)
    )
    PolicyParameter.objects.create(
        area_code="430522000000", key=K.DIBAO_STANDARD_RURAL, value="470", effective_from=date(2025, 1, 1)
    )
    PolicyParameter.objects.create(
        area_code="430522000000", key=K.DIBAO_STANDARD_RURAL, value="490", effective_from=date(2026, 1, 1)
    )
    assert Policy.for_area("430522100201", date(2024, 6, 1)).amount(K.DIBAO_STANDARD_RURAL) == 450
    assert Policy.for_area("430522100201", date(2025, 6, 1)).amount(K.DIBAO_STANDARD_RURAL) == 470
    assert Policy.for_area("430522100201", date(2026, 6, 1)).amount(K.DIBAO_STANDARD_RURAL) == 490
    assert Policy.for_area("430523000000", date(2026, 6, 1)).amount(K.DIBAO_STANDARD_RURAL) == 450


def test_a_missing_local_standard_is_a_clear_error():
    with pytest.raises(MissingParameter, match="农村低保标准"):
        Policy.for_area("430522100201", date(2025, 1, 1)).amount(K.DIBAO_STANDARD_RURAL)
