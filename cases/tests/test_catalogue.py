"""The shipped catalogue and versioned workflows."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.catalogue import current_version, items_for_window, load_service_catalogue, publish_version
from cases.catalogue_data import ITEMS
from cases.models import ServiceItem
from core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_migrate_loads_the_catalogue_with_national_limits():
    assert len(ITEMS) >= 25
    assert ServiceItem.objects.count() == len(ITEMS)
    dibao = ServiceItem.objects.get(code="dibao")
    version = current_version(dibao, date(2025, 1, 1))
    assert version.total_limit_wd == 30 and version.extended_limit_wd == 45
    assert version.notice_required and version.notice_days == 7
    assert "verification_authorization" in version.required_codes()
    assert [s.code for s in version.steps.all()][-1] == "confirm"
    tekun = current_version(ServiceItem.objects.get(code="tekun"), date(2025, 1, 1))
    assert tekun.steps.get(code="confirm").limit_wd == 15
    orphan = current_version(ServiceItem.objects.get(code="orphan"), date(2025, 1, 1))
    assert not orphan.notice_required  # children: no public notice
    assert version.refusal_notice_wd == 3  # 不予确认: written notice within 3 working days
    divorce = current_version(ServiceItem.objects.get(code="divorce"), date(2025, 1, 1))
    assert divorce.steps.get(code="cooling_off").calendar_days == 30


def test_loader_is_idempotent_and_keeps_admin_edits():
    ServiceItem.objects.filter(code="dibao").update(name="最低生活保障申请（本县）")
    assert load_service_catalogue() == 0
    assert ServiceItem.objects.get(code="dibao").name == "最低生活保障申请（本县）"


def test_a_new_version_applies_from_its_effective_date():
    item = ServiceItem.objects.get(code="elderly_allowance")
    v2 = publish_version(
        item,
        effective_from=date(2026, 1, 1),
        total_limit_wd=10,
        steps=[
            {"code": "intake", "name": "受理", "kind": "handle", "level": "accepting", "limit": 2, "role": ""},
            {"code": "confirm", "name": "县级审批", "kind": "handle", "level": "county", "limit": 8, "role": ""},
        ],
    )
    assert current_version(item, date(2025, 12, 31)).number == 1
    assert current_version(item, date(2026, 1, 1)) == v2
    with pytest.raises(DomainError) as error:
        publish_version(item, effective_from=date(2025, 6, 1), total_limit_wd=5, steps=[])
    assert error.value.code == "version_backdated"


def test_a_workflow_with_a_notice_step_needs_its_notice_period():
    item = ServiceItem.objects.get(code="elderly_allowance")  # shipped without a public notice
    steps = [
        {"code": "intake", "name": "受理", "kind": "handle", "level": "accepting", "limit": 2, "role": ""},
        {"code": "notice", "name": "村(居)公示", "kind": "notice", "level": "village", "limit": None, "role": ""},
        {"code": "confirm", "name": "县级审批", "kind": "handle", "level": "county", "limit": 8, "role": ""},
    ]
    with pytest.raises(DomainError) as error:
        publish_version(item, effective_from=date(2026, 1, 1), total_limit_wd=10, steps=steps)
    assert error.value.code == "notice_period_missing"
    noticed = publish_version(item, effective_from=date(2026, 1, 1), total_limit_wd=10, steps=steps, notice_days=5)
    assert noticed.notice_required and noticed.notice_period_days() == 5
    plain = publish_version(item, effective_from=date(2026, 2, 1), total_limit_wd=10, steps=[steps[0], steps[2]])
    assert not plain.notice_required  # an item needs a notice exactly when its workflow has a notice step


def test_window_levels():
    village_items = {i.code for i in items_for_window("430522100201")}
    county_items = {i.code for i in items_for_window("430522000000")}
    assert "dibao" in village_items and "marriage" not in village_items
    assert "marriage" in county_items and "dibao" not in county_items


def test_invalid_step_definitions_are_refused():
    item = ServiceItem.objects.get(code="dibao")
    step = current_version(item, date(2025, 1, 1)).steps.first()
    step.joint_departments = ["unknown"]
    with pytest.raises(ValidationError):
        step.clean()
