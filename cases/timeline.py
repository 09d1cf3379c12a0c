"""The registry's 360° timeline hook: a household's (or applicant's) cases as timeline events."""

from django.db.models import Q
from django.urls import reverse

from cases.models import Case


def case_events(subject):
    from registry.models import Household, Person
    from registry.timeline import TimelineEvent

    if isinstance(subject, Household):
        cases = Case.objects.filter(household=subject)
    elif isinstance(subject, Person):
        cases = Case.objects.filter(Q(applicant=subject) | Q(partner=subject))
    else:
        return
    related = ("item", "accepting_unit", "accepted_by", "applicant", "partner", "organisation")
    for case in cases.select_related(*related).order_by("-id")[:200]:
        what = case.item.name if case.is_household_case else case.subject_title
        yield TimelineEvent(
            at=case.created_at,
            kind="application",
            title=f"申请{what}（{case.get_status_display()}）",
            detail=f"受理编号{case.receipt_no}，{case.accepting_unit.name}受理" + ("（代办）" if case.proxy else ""),
            url=reverse("cases:detail", args=[case.pk]),
            actor=(case.accepted_by.full_name or case.accepted_by.username) if case.accepted_by_id else "系统",
        )
