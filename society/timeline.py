"""The society line's lines on a household's (and person's) timeline: needs with their referral and
the help reported, and social-work services — beside public aid, so both are read together."""

from collections.abc import Iterable

from django.urls import reverse

from registry.models import Household
from registry.timeline import TimelineEvent, as_datetime
from society.models import Need, Referral, ServiceRecord


def society_events(subject) -> Iterable[TimelineEvent]:
    if not isinstance(subject, Household):
        return
    url = reverse("society:household", args=[subject.pk])
    for need in Need.objects.filter(household=subject).order_by("-id")[:50]:
        yield TimelineEvent(
            at=need.created_at,
            kind="need",
            title=f"登记帮扶需求（{need.get_kind_display()}）",
            detail=f"{need.description}；{need.get_status_display()}",
            url=url,
        )
    referrals = Referral.objects.filter(need__household=subject, state=Referral.State.REPORTED).select_related(
        "organisation"
    )
    for referral in referrals[:50]:
        value = f"，折合{referral.help_value}元" if referral.help_value is not None else ""
        yield TimelineEvent(
            at=as_datetime(referral.helped_on),
            kind="charity",
            title=f"{referral.organisation.name}帮扶",
            detail=f"{referral.report}{value}",
            url=url,
        )
    services = ServiceRecord.objects.filter(household=subject).select_related("station", "worker")[:50]
    for service in services:
        yield TimelineEvent(
            at=as_datetime(service.served_on),
            kind="social_work",
            title=f"社工服务：{service.get_service_type_display()}",
            detail=f"{service.note}（{service.minutes}分钟）",
            actor=f"{service.worker.full_name or service.worker.username}（{service.station.name}）",
            url=url,
        )
