"""Open village affairs (村(居)务公开): publications against the catalogue, the public text masked, and
the township's compliance view (on time / late / missing per village, item and period).

Basis: 村民委员会组织法 第三十条 (一般事项至少每季度公布一次; 集体财务往来较多的, 财务收支情况应当
每月公布一次; 涉及村民利益的重大事项应当随时公布); 村务公开目录 issued locally — the catalogue, each
item's frequency and its grace days are data (`DisclosureItem`).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Min

from areas.codes import VILLAGE, level_of, prefix_of
from areas.models import Area
from core.errors import DomainError
from core.masking import mask_id_number, mask_phone
from core.months import add_months, month_end, month_start
from society.errors import SocietyCode
from society.models import DisclosureItem, Frequency, Publication, PublicationAttachment

ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
ALLOWED_ATTACHMENTS = {"pdf", "jpg", "jpeg", "png"}
MAX_ATTACHMENT = 10 * 1024 * 1024
PERIOD_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def mask_text(text: str) -> str:
    """Free text for the public site: ID numbers and mobile numbers masked wherever they appear."""
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return MOBILE.sub(lambda m: mask_phone(m.group(0)), text)


def period_start(item: DisclosureItem, day: date) -> date:
    """The first day of the period of `day` for the item's frequency (the day itself on occurrence)."""
    if item.frequency == Frequency.MONTHLY:
        return month_start(day)
    if item.frequency == Frequency.QUARTERLY:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if item.frequency == Frequency.YEARLY:
        return date(day.year, 1, 1)
    return day


def period_due(item: DisclosureItem, start: date) -> date:
    """The last day the period's publication is on time: the period's end + the item's grace days."""
    end = month_end(add_months(start, PERIOD_MONTHS[item.frequency] - 1))
    return end + timedelta(days=item.grace_days)


def period_label(item: DisclosureItem, start: date) -> str:
    if item.frequency == Frequency.MONTHLY:
        return f"{start:%Y年%m月}"
    if item.frequency == Frequency.QUARTERLY:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if item.frequency == Frequency.YEARLY:
        return f"{start.year}年度"
    return f"{start:%Y-%m-%d}"


@transaction.atomic
def publish(
    *,
    user,
    village_code: str,
    item: DisclosureItem,
    period_day: date,
    title: str,
    body: str,
    published_on: date,
    files=(),
) -> Publication:
    """A village publishes one item for the period containing `period_day`."""
    if level_of(village_code) != VILLAGE:
        raise DomainError(SocietyCode.BAD_INPUT, "村务公开应发布到村（社区）")
    if not title.strip() or not body.strip():
        raise DomainError(SocietyCode.BAD_INPUT, "请填写标题和公开内容")
    for upload in files:
        suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in ALLOWED_ATTACHMENTS:
            raise DomainError(SocietyCode.BAD_INPUT, "附件只能是PDF或图片（jpg、png）")
        if upload.size > MAX_ATTACHMENT:
            raise DomainError(SocietyCode.BAD_INPUT, "单个附件不能超过10MB")
    publication = Publication.objects.create(
        area_code=village_code,
        item=item,
        period_start=period_start(item, period_day),
        title=title.strip(),
        body=body.strip(),
        published_on=published_on,
        published_by=user,
    )
    for upload in files:
        PublicationAttachment.objects.create(publication=publication, file=upload, name=upload.name[:100])
    return publication


def villages_of(area_code: str) -> list[Area]:
    """The villages (communities) in force under an area."""
    return list(
        Area.objects.filter(code__startswith=prefix_of(area_code), level=VILLAGE, valid_to__isnull=True).order_by(
            "code"
        )
    )


@dataclass(frozen=True)
class ComplianceRow:
    village: Area
    item: DisclosureItem
    period: str
    due: date
    state: str  # on_time / late / missing
    published_on: date | None


STATE_LABELS = {"on_time": "按期公开", "late": "逾期公开", "missing": "逾期未公开"}


def compliance(area_code: str, year: int, on_date: date) -> list[ComplianceRow]:
    """Every village × periodic item × period of `year` whose deadline has passed by `on_date`: on
    time, late or missing. The publications are read in one GROUP BY (first publication per village,
    item and period); the expected periods are the cross product, computed in memory."""
    villages = villages_of(area_code)
    items = [i for i in DisclosureItem.objects.filter(is_active=True) if i.frequency in PERIOD_MONTHS]
    first = {
        (row["area_code"], row["item_id"], row["period_start"]): row["first"]
        for row in Publication.objects.filter(area_code__startswith=prefix_of(area_code), period_start__year=year)
        .values("area_code", "item_id", "period_start")
        .annotate(first=Min("published_on"))
    }
    rows: list[ComplianceRow] = []
    for item in items:
        step = PERIOD_MONTHS[item.frequency]
        starts = [date(year, month, 1) for month in range(1, 13, step)]
        for start in starts:
            due = period_due(item, start)
            if due >= on_date:
                continue
            label = period_label(item, start)
            for village in villages:
                published = first.get((village.code, item.pk, start))
                if published is None:
                    state = "missing"
                elif published > due:
                    state = "late"
                else:
                    state = "on_time"
                rows.append(ComplianceRow(village, item, label, due, state, published))
    rows.sort(key=lambda r: (r.state == "on_time", r.village.code, r.item.order, r.due))
    return rows


def on_time_rate(village_code: str, year: int, on_date: date) -> tuple[int, int]:
    """(periods published on time, periods due) of a village in the year."""
    rows = [r for r in compliance(village_code, year, on_date) if r.village.code == village_code]
    return sum(1 for r in rows if r.state == "on_time"), len(rows)
