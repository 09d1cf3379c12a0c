"""Which disaster events a user may see. An event belongs to its county, but the villages and
townships it hit must read it to report: the one place relief reads past the scoped manager
(docs/decisions/0015), always narrowed to the user's county and to events whose areas contain or
lie inside the user's area."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from areas import codes
from areas.jurisdiction import current_scope
from relief.models import DisasterEvent


def _touches(event: DisasterEvent, area_code: str) -> bool:
    mine = codes.prefix_of(area_code)
    return any(code.startswith(mine) or area_code.startswith(codes.prefix_of(code)) for code in event.areas)


def events_for(user) -> list[DisasterEvent]:
    scope = current_scope()
    if scope.nothing:
        return []
    area = user.area_code or ""
    if not area or codes.is_county_or_above(area):
        return list(DisasterEvent.objects.order_by("-started_at")[:500])
    county = DisasterEvent.unscoped.filter(area_code=codes.county_of(area)).order_by("-started_at")[:500]
    return [event for event in county if _touches(event, area)]


def event_for(user, pk: int) -> DisasterEvent:
    event = get_object_or_404(DisasterEvent.unscoped, pk=pk)
    area = user.area_code or ""
    if current_scope().allows(event.area_code):
        return event
    if (
        area
        and not codes.is_county_or_above(area)
        and codes.county_of(area) == event.area_code
        and _touches(event, area)
    ):
        return event
    raise Http404("找不到该灾害事件")
