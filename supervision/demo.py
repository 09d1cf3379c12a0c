"""Demo supervision for the demo county (manage.py seed_supervision_demo): a special campaign with a
sample of 20 enrolments in two townships, a few checks (one with a finding and its rectification),
and last month's evaluation computed as a draft, so the auditor's pages are not empty."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from areas.codes import township_of
from areas.jurisdiction import scope_for_user, within
from audit.context import acting_as, actor_for_user
from ledger.models import Enrolment
from supervision import evaluation, rectifications
from supervision.models import Campaign, Sample, SampleItem
from supervision.sampling import draw_sample


def seed_supervision_demo(county: str, auditor_username: str = "auditor") -> str:
    """Idempotent: does nothing once a sample exists in the county."""
    auditor = User.objects.filter(username=auditor_username).select_related("unit").first()
    if auditor is None or not auditor.area_code:
        return "未找到演示稽查员账号，跳过"
    today = timezone.localdate()
    with within(scope_for_user(auditor)), acting_as(actor_for_user(auditor)):
        if Sample.objects.exists():
            return "已有抽查数据，跳过"
        codes = Enrolment.objects.filter(area_code__startswith=county).values_list("area_code", flat=True)[:5000]
        townships = sorted({township_of(code) for code in codes})[:2]
        if not townships:
            return "演示县没有保障对象，跳过"
        campaign = Campaign.objects.create(
            name=f"{today.year}年农村低保专项治理",
            started_on=today - timedelta(days=10),
            description="重点核查“人情保”“关系保”、错保漏保和资金发放",
            area_code=auditor.area_code,
            created_by=auditor,
        )
        sample = draw_sample(
            user=auditor,
            name="低保特困对象随机抽查",
            target=Sample.Target.ENROLMENT,
            seed=2026,
            on_date=today,
            area_code=auditor.area_code,
            townships=townships,
            count=20,
            campaign=campaign,
        )
        items = list(sample.items.order_by("pk")[:3])
        answers = dict.fromkeys(SampleItem.CHECKS, True)
        for index, item in enumerate(items):
            if index == 0:
                rectifications.record_check(
                    item,
                    user=auditor,
                    on_date=today,
                    answers={**answers, "notice_held": False},
                    note="未在村务公开栏张榜公示",
                )
            else:
                rectifications.record_check(item, user=auditor, on_date=today, answers=answers)
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        evaluation.compute_month(evaluation.evaluation_for(auditor.area_code, last_month))
        return f"专项整治“{campaign.name}”：抽查{sample.items.count()}条，已核查{len(items)}条；{last_month:%Y年%m月}考核已计算（待公布）"
