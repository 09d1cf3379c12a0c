"""The demo county's local amounts (DEMO_AMOUNTS) as policy parameters; safe to run again."""

from datetime import date

from django.db import transaction

from policy.defaults import DEMO_AMOUNTS
from policy.models import PolicyDocument, PolicyParameter

DEMO_COUNTY = "430522000000"
DEMO_EFFECTIVE_FROM = date(2021, 1, 1)
DEMO_DOCUMENT = {
    "title": "新邵县城乡低保等社会救助标准（演示数据）",
    "number": "新民发〔2021〕1号",
    "issued_by": "新邵县民政局",
}


@transaction.atomic
def load_demo_policy(area_code: str = DEMO_COUNTY, effective_from: date = DEMO_EFFECTIVE_FROM) -> int:
    """Create the demo county's parameters that are missing; returns how many were created."""
    document, _ = PolicyDocument.objects.get_or_create(
        title=DEMO_DOCUMENT["title"],
        defaults={**{k: v for k, v in DEMO_DOCUMENT.items() if k != "title"}, "issued_on": effective_from},
    )
    created = 0
    for key, value in DEMO_AMOUNTS.items():
        _, made = PolicyParameter.objects.get_or_create(
            area_code=area_code,
            key=key,
            effective_from=effective_from,
            defaults={"value": value, "document": document, "note": "演示县标准"},
        )
        created += made
    return created
