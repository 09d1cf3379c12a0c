"""The audit log reads as sentences: who, what, which record, which fields, old → new in Chinese."""

import pytest

from accounts.models import Unit
from audit.context import Actor, acting_as
from audit.models import AuditEntry
from audit.sentences import sentence, sentences
from audit.services import record_personal_data_view

pytestmark = pytest.mark.django_db


def _last(obj):
    return AuditEntry.unscoped.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("id").last()


def test_a_change_reads_with_labels_choice_names_and_related_names(township_a, county_bureau, auditor):
    actor = Actor(
        user_id=auditor.pk, username="auditor", unit_name="新邵县民政局", ip="10.1.2.3", area_code="430522000000"
    )
    with acting_as(actor):
        township_a.kind = Unit.Kind.BUREAU
        township_a.parent = None
        township_a.is_active = False
        township_a.save()
    (text,) = sentences([_last(township_a)])
    assert text.who == "新邵县民政局陈稽查"
    assert text.what == f"修改了单位「酿溪镇民政办」（编号{township_a.pk}）"
    changes = {c.label: (c.old, c.new) for c in text.changes}
    assert changes == {
        "单位类型": ("乡镇/街道民政办", "县民政局"),
        "上级单位": ("新邵县民政局", "空"),
        "启用": ("是", "否"),
    }
    assert "单位类型由“乡镇/街道民政办”改为“县民政局”" in text.text and "IP 10.1.2.3" in text.text


def test_a_view_of_personal_data_names_the_fields_and_a_login_is_short(clerk_a):
    entry = record_personal_data_view(clerk_a, ["phone"], reason="核实身份")
    assert sentence(entry).what == f"查看了工作人员「{clerk_a}」（编号{clerk_a.pk}）的完整手机号"
    entry.action = AuditEntry.Action.LOGIN
    assert sentence(entry).what == "登录了系统"


def test_the_log_page_shows_sentences_not_dictionaries(client, auditor, township_a):
    township_a.phone = "0739-1"
    township_a.save()
    client.force_login(auditor)
    page = client.get("/audit/?object_type=accounts.unit").content.decode()
    assert "修改了单位「酿溪镇民政办」" in page and "联系电话" in page and "{" not in page.split("audit-sentences")[1]


def test_a_new_row_lists_its_values_with_area_names_and_local_times(township_a):
    entry = AuditEntry.unscoped.filter(object_type="accounts.unit", object_id=str(township_a.pk)).first()
    text = sentence(entry)
    assert text.what.startswith("新增了单位「酿溪镇民政办」")
    changes = {c.label: (c.old, c.new) for c in text.changes}
    assert changes["区划代码"] == ("", "酿溪镇（430522100000）") and "ID" not in changes
    assert "单位名称为“酿溪镇民政办”" in text.text


def test_the_platforms_own_work_is_said_as_the_system_not_system_system():
    from django.utils import timezone

    from audit.context import SYSTEM_ACTOR
    from audit.models import AuditEntry
    from audit.sentences import sentence

    entry = AuditEntry(action="update", username=SYSTEM_ACTOR.username, unit_name=SYSTEM_ACTOR.unit_name)
    entry.created_at = timezone.now()
    assert sentence(entry).who == "系统"
