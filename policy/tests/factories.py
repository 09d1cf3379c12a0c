"""Policy data for tests: the national defaults a transactional test's flush removed, and the demo
county's local amounts (standards, caps, subsidies) that procedures and rolls need."""

from datetime import date

from policy.defaults import DEMO_AMOUNTS, NATIONAL_DEFAULTS, NATIONAL_DOCUMENT
from policy.models import PolicyDocument, PolicyParameter

DEMO_COUNTY = "430522000000"


def restore_national_defaults() -> None:
    """Put the national defaults back where a test emptied every table (the data migration wrote them
    once; a transactional test's flush removes them). Existing rows are left as they are."""
    document, _ = PolicyDocument.objects.get_or_create(number=NATIONAL_DOCUMENT["number"], defaults=NATIONAL_DOCUMENT)
    for key, value in NATIONAL_DEFAULTS.items():
        PolicyParameter.objects.get_or_create(
            area_code="",
            key=str(key),
            effective_from=NATIONAL_DOCUMENT["issued_on"],
            defaults={"value": value, "document": document, "note": "全国默认值"},
        )


def local_amounts(area_code: str = DEMO_COUNTY, effective_from: date = date(2025, 1, 1)) -> None:
    """The demo county's local amounts in force from `effective_from` (rows already there are kept)."""
    for key, value in DEMO_AMOUNTS.items():
        PolicyParameter.objects.get_or_create(
            area_code=area_code, key=key, effective_from=effective_from, defaults={"value": value}
        )
