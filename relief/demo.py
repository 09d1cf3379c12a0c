"""Demo relief data (make run): a flood in the 民生员's township reported by two villages (one late,
one checked and forwarded), the county store with quilts received and a few issued against
signatures, and a 寒冬送温暖 campaign over the township's 特困 and 低保 households. Idempotent."""

import base64
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from areas import codes
from areas.jurisdiction import scope_for_user, system_scope, within
from areas.models import Area
from registry.models import Household
from relief import campaigns, reporting, stock
from relief.models import Campaign, DisasterEvent, DisasterKind, Material, Stage, Store

# a 1×1 white PNG: the demo's "signature"
SIGNATURE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)
EVENT_NAME = "6月强降雨洪涝灾害"


def load_relief_demo() -> dict[str, int]:
    with system_scope():
        minsheng = User.objects.filter(username="minsheng").first()
        clerk = User.objects.filter(username="clerk").first()
        approver = User.objects.filter(username="approver").first() or User.objects.filter(username="shenpi").first()
        if not (minsheng and clerk and minsheng.area_code):
            return {"events": 0, "issued": 0, "targets": 0}
        county_user = approver or clerk
        village = minsheng.area_code
        township = codes.township_of(village)
        county = codes.county_of(village)
        other = (
            Area.objects.current()
            .filter(level=codes.VILLAGE, code__startswith=codes.prefix_of(township))
            .exclude(code=village)
            .order_by("code")
            .first()
        )
    result = {"events": 0, "issued": 0, "targets": 0}
    now = timezone.now()
    with system_scope():
        event = DisasterEvent.objects.filter(name=EVENT_NAME).first()
    if event is None:
        villages = [village] + ([other.code] if other else [])
        with within(scope_for_user(county_user)) if approver else system_scope():
            event = reporting.declare_event(
                user=county_user,
                name=EVENT_NAME,
                kind=DisasterKind.FLOOD,
                started_at=now - timedelta(hours=5),
                areas=villages,
                description="连续强降雨，资江水位上涨，沿河村组农田和房屋受淹",
            )
        figures = {"affected_people": 320, "relocated_people": 45, "needing_aid": 60, "houses_collapsed": 2,
                   "houses_severely_damaged": 5, "houses_damaged": 18, "crops_affected_ha": "36.5",
                   "crops_lost_ha": "4.2", "direct_loss": "86.3"}  # fmt: skip
        with within(scope_for_user(minsheng)):
            first = reporting.submit_report(
                user=minsheng, event=event, village_code=village, stage=Stage.INITIAL, figures=figures,
                note="3组、5组沿河农户已转移到村部", now=event.started_at + timedelta(minutes=40),
            )  # fmt: skip
        with within(scope_for_user(clerk)):
            reporting.check_report(user=clerk, report=first, forward=True, now=event.started_at + timedelta(minutes=70))
            if other:
                reporting.submit_report(
                    user=clerk, event=event, village_code=other.code, stage=Stage.INITIAL,
                    figures={"affected_people": 110, "relocated_people": 12, "houses_damaged": 6,
                             "crops_affected_ha": "12", "direct_loss": "21.5"},
                    note="村里电话报乡镇，乡镇代录", now=event.started_at + timedelta(hours=3),
                )  # fmt: skip
        result["events"] = 1
    with system_scope():
        store, _ = Store.objects.get_or_create(area_code=county, name="新邵县救灾物资储备库")
        households = list(Household.objects.filter(area_code__startswith=village, is_active=True).order_by("pk")[:8])
        first_time = not store.items.exists()
        if first_time:
            stock.receive(store=store, material=Material.QUILT, quantity=500, document_reference="邵民调〔2026〕12号",
                          user=county_user, note="市级调拨", idempotency_key="demo-quilts")  # fmt: skip
            stock.receive(store=store, material=Material.TENT, quantity=40, document_reference="邵民调〔2026〕12号",
                          user=county_user, note="市级调拨", idempotency_key="demo-tents")  # fmt: skip
            stock.receive(store=store, material=Material.RICE, quantity=200, document_reference="采购合同2026-031",
                          user=county_user, note="政府采购", idempotency_key="demo-rice")  # fmt: skip
            for index, household in enumerate(households[:5]):
                stock.issue(
                    store=store, household=household, lines=[(Material.QUILT, 2)],
                    signer_name=household.head.name if household.head_id else "户主", signature=SIGNATURE,
                    purpose=f"{EVENT_NAME}受灾群众生活救助", user=county_user, idempotency_key=f"demo-issue-{index}",
                )  # fmt: skip
                result["issued"] += 1
        campaign = Campaign.objects.filter(name="2026年寒冬送温暖").first()
        if campaign is None:
            campaign = campaigns.create_campaign(
                user=clerk, area_code=township, name="2026年寒冬送温暖", kind=Campaign.Kind.WINTER,
                rule=Campaign.Rule.TEKUN_DIBAO, starts_on=timezone.localdate(),
                ends_on=timezone.localdate() + timedelta(days=30), cash_per_household=200,
                material=Material.QUILT, quantity_per_household=1, store=store,
            )  # fmt: skip
            result["targets"] = campaigns.build_targets(campaign)
            if result["targets"]:
                campaigns.start(campaign)
    return result
