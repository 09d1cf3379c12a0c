"""专项行动 (寒冬送温暖, 节日慰问, 送钱送粮到家): the target households come from a rule over the
ledger (every open 特困 and/or 低保 enrolment in the campaign's area, one INSERT … SELECT-sized
bulk write) or from a selection; each is reached at the door by a worker who records who signed,
when, and a signature or photo — goods leave the stock and cash leaves the fund ledger through that
receipt — or why the household was not reached."""

import uuid

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from areas import codes
from areas.jurisdiction import current_scope
from core.errors import DomainError
from ledger.hooks import one_off_spending
from ledger.models import Enrolment
from policy.programmes import Programme
from registry.models import Household
from relief import stock
from relief.errors import ReliefCode
from relief.models import UNITS, Campaign, CampaignTarget

RULE_PROGRAMMES = {
    Campaign.Rule.TEKUN_DIBAO: [Programme.TEKUN, Programme.DIBAO],
    Campaign.Rule.TEKUN: [Programme.TEKUN],
    Campaign.Rule.DIBAO: [Programme.DIBAO],
}
OPEN = [Enrolment.Status.IN_PAYMENT, Enrolment.Status.GRADUAL_EXIT, Enrolment.Status.SUSPENDED]


def create_campaign(*, user, area_code: str, **fields) -> Campaign:
    if not current_scope().allows(area_code):
        raise DomainError(ReliefCode.OUT_OF_AREA, "只能在本辖区发起专项行动")
    if not codes.is_township_or_above(area_code):
        raise DomainError(ReliefCode.BAD_INPUT, "专项行动由乡镇或县级发起")
    if fields["ends_on"] < fields["starts_on"]:
        raise DomainError(ReliefCode.BAD_INPUT, "结束日期不能早于开始日期")
    if fields.get("material") and not fields.get("quantity_per_household"):
        raise DomainError(ReliefCode.BAD_INPUT, "请填写每户物资数量")
    if fields.get("material") and fields.get("store") is None:
        raise DomainError(ReliefCode.BAD_INPUT, "发放物资须选择出库仓库")
    if not fields.get("material") and not fields.get("cash_per_household"):
        raise DomainError(ReliefCode.BAD_INPUT, "请填写每户慰问金或物资")
    return Campaign.objects.create(area_code=area_code, created_by=user, **fields)


@transaction.atomic
def build_targets(campaign: Campaign) -> int:
    """The rule's households: each household with an open enrolment of the rule's programmes in the
    campaign's area, once, with the programmes as its reason. Returns how many were added."""
    programmes = RULE_PROGRAMMES.get(campaign.rule)
    if not programmes:
        return 0
    if campaign.status == Campaign.Status.CLOSED:
        raise DomainError(ReliefCode.CAMPAIGN_STATE, "专项行动已结束")
    rows = (
        Enrolment.objects.filter(
            programme__in=programmes,
            status__in=OPEN,
            area_code__startswith=codes.prefix_of(campaign.area_code),
            household__is_active=True,
        )
        .values_list("household_id", "area_code", "programme")
        .order_by("household_id")
    )
    labels = dict(Programme.choices)
    found: dict[int, tuple[str, set]] = {}
    for household_id, area_code, programme in rows.iterator(chunk_size=5000):
        found.setdefault(household_id, (area_code, set()))[1].add(str(labels[programme]))
    before = CampaignTarget.objects.filter(campaign=campaign).count()
    CampaignTarget.objects.bulk_create(
        [
            CampaignTarget(campaign=campaign, household_id=pk, area_code=area, reason="、".join(sorted(why)))
            for pk, (area, why) in found.items()
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return CampaignTarget.objects.filter(campaign=campaign).count() - before


def add_selected(campaign: Campaign, numbers: list[str], reason: str) -> tuple[int, list[str]]:
    """逐户选定: households by number; returns (added, numbers not found in the campaign's area)."""
    if campaign.status == Campaign.Status.CLOSED:
        raise DomainError(ReliefCode.CAMPAIGN_STATE, "专项行动已结束")
    numbers = [n.strip() for n in numbers if n.strip()]
    households = {
        h.number: h
        for h in Household.objects.filter(
            number__in=numbers, is_active=True, area_code__startswith=codes.prefix_of(campaign.area_code)
        )
    }
    before = CampaignTarget.objects.filter(campaign=campaign).count()
    CampaignTarget.objects.bulk_create(
        [
            CampaignTarget(campaign=campaign, household=h, area_code=h.area_code, reason=(reason or "逐户选定")[:60])
            for h in households.values()
        ],
        ignore_conflicts=True,
    )
    added = CampaignTarget.objects.filter(campaign=campaign).count() - before
    return added, [n for n in numbers if n not in households]


def start(campaign: Campaign) -> Campaign:
    if campaign.status != Campaign.Status.DRAFT:
        raise DomainError(ReliefCode.CAMPAIGN_STATE, "专项行动已经开始")
    if not CampaignTarget.objects.filter(campaign=campaign).exists():
        raise DomainError(ReliefCode.CAMPAIGN_STATE, "还没有行动对象，请先生成或选定对象")
    campaign.status = Campaign.Status.UNDER_WAY
    campaign.save(update_fields=["status"])
    return campaign


def close(campaign: Campaign) -> Campaign:
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    return campaign


@transaction.atomic
def deliver(*, user, target: CampaignTarget, signer_name: str, signature: bytes | None, photo: bytes | None,
            idempotency_key: str | None = None, now=None) -> CampaignTarget:  # fmt: skip
    """送达: the household signs; its goods leave the campaign's store, its cash the fund ledger."""
    target = CampaignTarget.objects.select_for_update().select_related("campaign", "household").get(pk=target.pk)
    campaign = target.campaign
    if target.delivered_at is not None:
        raise DomainError(ReliefCode.ALREADY_DELIVERED, "这一户已经送达登记过了")
    if campaign.status != Campaign.Status.UNDER_WAY:
        raise DomainError(ReliefCode.CAMPAIGN_STATE, "专项行动不在发放中")
    now = now or timezone.now()
    lines = [(campaign.material, campaign.quantity_per_household)] if campaign.material else []
    receipt = stock.issue(
        store=campaign.store,
        household=target.household,
        lines=lines,
        signer_name=signer_name,
        signature=signature,
        photo=photo,
        cash=campaign.cash_per_household,
        purpose=campaign.name,
        user=user,
        idempotency_key=idempotency_key or f"campaign-{target.pk}-{uuid.uuid4()}",
        document_reference=f"{campaign.name[:80]}签收单",
        now=now,
    )
    if campaign.cash_per_household:
        one_off_spending(
            programme=Programme.CAMPAIGN,
            area_code=target.area_code,
            amount=campaign.cash_per_household,
            on_date=timezone.localtime(now).date(),
            document_reference=f"签收单{receipt.pk}",
            idempotency_key=f"relief-receipt-{receipt.pk}",
            note=f"{campaign.name[:60]}：户{target.household.number}",
            user=user,
        )
    target.receipt = receipt
    target.delivered_at = now
    target.delivered_by = user
    target.not_reached = ""
    target.save(update_fields=["receipt", "delivered_at", "delivered_by", "not_reached"])
    return target


def not_reached(*, target: CampaignTarget, reason: str) -> CampaignTarget:
    if target.delivered_at is not None:
        raise DomainError(ReliefCode.ALREADY_DELIVERED, "这一户已经送达登记过了")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ReliefCode.BAD_INPUT, "请写明未送达的原因")
    target.not_reached = reason[:100]
    target.save(update_fields=["not_reached"])
    return target


def progress(campaign: Campaign) -> list[dict]:
    """Reached and not reached, by village (one grouped query)."""
    rows = (
        CampaignTarget.objects.filter(campaign=campaign)
        .annotate(village=Substr("area_code", 1, 12))
        .values("village")
        .annotate(
            total=Count("id"),
            reached=Count("id", filter=Q(delivered_at__isnull=False)),
            refused=Count("id", filter=Q(delivered_at__isnull=True) & ~Q(not_reached="")),
        )
        .order_by("village")
    )
    return list(rows)


def unit_of(campaign: Campaign) -> str:
    return UNITS.get(campaign.material, "")
