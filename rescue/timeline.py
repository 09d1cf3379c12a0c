"""The person's page shows every stay at the rescue station (registry.timeline provider)."""

from django.urls import reverse

from registry.models import Person
from registry.timeline import TimelineEvent, as_datetime
from rescue.models import Stay


def stays_of(subject):
    if not isinstance(subject, Person):
        return
    for stay in Stay.objects.filter(person=subject).order_by("arrived_on"):
        yield TimelineEvent(
            at=as_datetime(stay.arrived_on),
            kind="rescue",
            title=f"救助管理站入站：{stay.number}",
            detail=f"发现于{stay.found_place}；{stay.get_status_display()}",
            url=reverse("rescue:stay_detail", args=[stay.pk]),
        )
