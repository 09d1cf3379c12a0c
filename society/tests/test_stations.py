"""Social-work services count in the household's history and the month's statistics."""

from datetime import date

import pytest

from core.errors import DomainError
from registry.timeline import timeline_for
from society import stations


def test_a_service_counts_in_the_households_timeline_and_the_monthly_statistics(shegong, household):
    stations.record_service(
        user=shegong, household=household, service_type="psych", served_on=date(2026, 3, 2), minutes=90, note="情绪疏导"
    )
    stations.record_service(
        user=shegong, household=household, service_type="psych", served_on=date(2026, 3, 9), minutes=30, note="电话回访"
    )
    stations.record_service(
        user=shegong, household=household, service_type="care", served_on=date(2026, 4, 1), minutes=60, note="上门照料"
    )
    (row,) = stations.monthly_statistics(date(2026, 3, 1))
    assert row == {"station": "酿溪镇社工站", "service_type": "心理疏导", "services": 2, "households": 1, "hours": 2.0}
    titles = [e.title for e in timeline_for(household)]
    assert titles.count("社工服务：心理疏导") == 2


def test_only_a_station_worker_records_services(clerk_a, household):
    with pytest.raises(DomainError):
        stations.record_service(
            user=clerk_a, household=household, service_type="care", served_on=date(2026, 3, 2), minutes=60, note="照料"
        )
