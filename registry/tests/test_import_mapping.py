"""A county's own roster through the pages: the mapping step for columns the platform does not know,
the unit's remembered preset, and a take-on reviewed on its summary before anything is written."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job
from ledger.models import Enrolment
from registry.idcard import make_id_number
from registry.models import Household, ImportPreset, Person
from registry.tests import samples
from registry.tests.test_import import HOME, villages  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
HEADER = ["编号", "户主", "证件号码（户主）", "家庭人口", "月发放额", "分类施保（元）", "社区", "享受起始月",
          "开户银行", "银行帐号", "联系人微信"]  # fmt: skip


@pytest.fixture(autouse=True)
def _jobs_run_on_commit(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def roster() -> bytes:
    rows = [
        [
            n,
            f"陈{n}号",
            make_id_number("430522", date(1955, 2, n), n, True),
            3,
            amount,
            20,
            "城西社区",
            "2023年7月",
            "农商银行",
            f"62300010000{n:05d}",
            "wx",
        ]
        for n, amount in ((1, 600), (2, 455.5))
    ]
    return samples.any_roster_bytes(HEADER, rows, ["合计", "", "", 6, 1055.5, 40])


def latest() -> Job:
    return Job.unscoped.order_by("-pk").first()


MAPPING = {"户主": "head_name", "证件号码（户主）": "head_id", "月发放额": "monthly_amount", "联系人微信": ""}


def post_mapping(client, job, preset_name=""):
    fields = {}
    for column in job.result["columns"]:
        fields[f"col_{column['position']}"] = MAPPING.get(column["header"], column["key"])
    fields["preset_name"] = preset_name
    return client.post(reverse("registry:registry_import:mapping", args=[job.pk]), fields)


def test_take_on_through_the_mapping_step_and_the_summary(client, clerk_a, villages):  # noqa: F811
    client.force_login(clerk_a)
    response = client.post(HOME, {"file": SimpleUploadedFile("县低保花名册.xlsx", roster()), "programme": "dibao"})
    job = latest()
    assert job.result["status"] == "needs_mapping"
    page = client.get(response.url).content.decode()
    assert "联系人微信" in page and "未识别" in page and "陈1号" in page  # each column with its first values
    assert Person.unscoped.count() == 0

    response = post_mapping(client, job, preset_name="县局低保花名册")
    checked = latest()
    assert checked.result["status"] == "ready", checked.result
    summary = checked.result["summary"]
    assert (summary["households"], summary["recipients"], summary["monthly_total"]) == (2, 2, "1095.50")
    assert checked.result["ignored_columns"] == ["编号", "联系人微信"]
    page = client.get(response.url).content.decode()
    assert "1095.50" in page and "联系人微信" in page and "确认导入" in page
    assert Person.unscoped.count() == 0  # nothing written before the confirmation

    client.post(reverse("registry:registry_import:confirm", args=[checked.pk]))
    done = latest()
    assert done.result["status"] == "imported" and done.result["imported_enrolments"] == 2
    assert Household.unscoped.count() == 2 and Enrolment.unscoped.count() == 2
    assert sum(e.monthly_amount for e in Enrolment.unscoped.all()) == 1095.5
    assert ImportPreset.objects.get().area_code == clerk_a.area_code


def test_a_saved_preset_maps_the_next_roster_at_once(client, clerk_a, villages):  # noqa: F811
    client.force_login(clerk_a)
    preset = ImportPreset.objects.create(
        area_code=clerk_a.area_code,
        name="县局低保花名册",
        mapping={"户主": "head_name", "证件号码(户主)": "head_id", "月发放额": "monthly_amount", "联系人微信": ""},
    )
    assert "县局低保花名册" in client.get(HOME).content.decode()
    upload = SimpleUploadedFile("县低保花名册.xlsx", roster())
    client.post(HOME, {"file": upload, "programme": "dibao", "preset": preset.pk})
    assert latest().result["status"] == "ready", latest().result


def test_only_the_uploader_maps_or_confirms(client, clerk_a, villages):  # noqa: F811
    from accounts.tests.factories import StaffFactory

    client.force_login(clerk_a)
    client.post(HOME, {"file": SimpleUploadedFile("县低保花名册.xlsx", roster()), "programme": "dibao"})
    job = latest()
    colleague = StaffFactory(username="clerk_a2", unit=clerk_a.unit, roles=["clerk"])
    client.force_login(colleague)
    assert post_mapping(client, job).status_code == 403
    assert Job.unscoped.count() == 1


def test_take_on_needs_the_capability(client, villages, clerk_a):  # noqa: F811
    from accounts.tests.factories import StaffFactory

    worker = StaffFactory(username="msy", unit=clerk_a.unit, roles=["livelihood_worker"])
    client.force_login(worker)
    page = client.get(HOME).content.decode()
    assert "存量保障对象" not in page.split("导入内容")[1].split("</select>")[0]
    response = client.post(HOME, {"file": SimpleUploadedFile("a.xlsx", roster()), "programme": "dibao"})
    assert response.status_code == 200 and not Job.unscoped.exists()  # not a choice this user has


def test_two_columns_cannot_be_one_field_and_the_clerk_may_cancel(client, clerk_a, villages):  # noqa: F811
    client.force_login(clerk_a)
    client.post(HOME, {"file": SimpleUploadedFile("县低保花名册.xlsx", roster()), "programme": "dibao"})
    job = latest()
    fields = {f"col_{c['position']}": MAPPING.get(c["header"], c["key"]) for c in job.result["columns"]}
    wechat = next(c["position"] for c in job.result["columns"] if c["header"] == "联系人微信")
    fields[f"col_{wechat}"] = "head_name"  # 户主 is already 户主姓名
    response = client.post(reverse("registry:registry_import:mapping", args=[job.pk]), fields, follow=True)
    assert "不能对应同一字段" in response.content.decode() and Job.unscoped.count() == 1

    client.post(reverse("registry:registry_import:cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.result["cancelled"] is True
    assert "待选择列对应" not in client.get(HOME).content.decode()
