"""The demo county's supervision data: a campaign, a sample of 20, one finding, a draft month; once."""

import pytest

from supervision.demo import seed_supervision_demo
from supervision.models import Campaign, Evaluation, Finding, Sample
from supervision.tests.factories import VILLAGE_A, VILLAGE_B, enrolments

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_auditors_pages_once(auditor, township_a, township_b, clerk_a):
    enrolments(VILLAGE_A, "dibao", 15)
    enrolments(VILLAGE_B, "dibao", 15)
    message = seed_supervision_demo("430522")
    assert "抽查20条" in message
    assert Sample.objects.get().campaign == Campaign.objects.get()
    assert Finding.objects.get().responsible_unit in (township_a, township_b)
    assert Evaluation.objects.get().state == Evaluation.State.DRAFT
    assert seed_supervision_demo("430522") == "已有抽查数据，跳过"
