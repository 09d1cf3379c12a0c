"""The cases' cards on each person's home page (accounts.home): the steps waiting for this person's
role at their unit — due today, overdue, returned for correction — and the window's cases waiting
for materials or a reply; a department officer's open transfers instead."""

from datetime import date

from django.db.models import Q
from django.urls import reverse

from accounts.home import Card, Figure, HomeCard, Row, register_home_card
from accounts.roles import Capability
from cases.access import can_accept, is_department_officer, transfers_for_department
from cases.models import Case, CaseStep, Transfer

ROWS = 8


def my_steps(user):
    """Steps at the user's unit that the user's role acts on (a blank role: any handler there)."""
    steps = CaseStep.objects.filter(responsible_unit_id=user.unit_id)
    if not user.can(Capability.HANDLE_ANY_STEP):
        steps = steps.filter(Q(definition__role__in=sorted(user.role_codes)) | Q(definition__role=""))
    return steps


def _queue_url(name: str) -> str:
    return reverse("cases:queue_named", args=[name])


def steps_card(user, today: date) -> Card | None:
    """经办员/审核员/审批员: the steps waiting for them, soonest due first."""
    if not user.unit_id or is_department_officer(user):
        return None
    steps = my_steps(user)
    active = steps.filter(state=CaseStep.State.ACTIVE)
    counts = {
        "todo": active.count(),
        "today": active.filter(due_on=today).count(),
        "overdue": active.filter(due_on__lt=today).count(),
        "returned": steps.filter(state=CaseStep.State.CORRECTION).count(),
    }
    rows = []
    for step in active.select_related("case", "case__item").order_by("due_on", "id")[:ROWS]:
        late = step.due_on is not None and step.due_on < today
        tone = "danger" if late else ("warning" if step.due_on == today else "")
        rows.append(
            Row(
                f"{step.case.item.name} · {step.name} · {step.case.receipt_no}",
                reverse("cases:detail", args=[step.case_id]),
                step.due_on,
                tone,
                "已超期" if late else ("今日到期" if step.due_on == today else ""),
            )
        )
    return Card(
        "待我办理的环节",
        [
            Figure("待办", counts["todo"], _queue_url("todo")),
            Figure("今日到期", counts["today"], _queue_url("todo"), "warning"),
            Figure("已超期", counts["overdue"], _queue_url("overdue"), "danger"),
            Figure("退回补正", counts["returned"], _queue_url("returned"), "warning"),
        ],
        rows,
        _queue_url("todo"),
        "进入待办",
        "没有待办的环节",
    )


def window_card(user, today: date) -> Card | None:
    """The window's cases that wait on the applicant (materials) or on the window (a reply)."""
    if not can_accept(user):
        return None
    mine = Case.objects.filter(accepting_unit_id=user.unit_id)
    materials = mine.filter(status=Case.Status.MATERIALS).count()
    to_reply = mine.filter(status__in=Case.FINISHED, replied_at__isnull=True).count()
    accepted_today = mine.filter(accepted_on=today).count()
    return Card(
        "本窗口受理",
        [
            Figure("今日受理", accepted_today, reverse("cases:accept")),
            Figure("待补齐材料", materials, _queue_url("materials"), "warning"),
            Figure("办结待答复", to_reply, _queue_url("to_reply"), "warning"),
        ],
        more_url=reverse("cases:accept"),
        more_label="受理新申请",
    )


def transfers_card(user, today: date) -> Card | None:
    """A department officer's transfers to answer (转办/会办), soonest due first."""
    if not is_department_officer(user):
        return None
    open_ = transfers_for_department(user).filter(state=Transfer.State.OPEN)
    rows = [
        Row(
            f"{t.case.item.name} · {t.from_unit.name}",
            reverse("cases:transfer_detail", args=[t.pk]),
            t.due_on,
            "danger" if t.due_on and t.due_on < today else "",
        )
        for t in open_.order_by("due_on", "id")[:ROWS]
    ]
    return Card(
        "待答复的转办事项",
        [
            Figure("待答复", open_.count(), reverse("cases:inbox")),
            Figure("已超期", open_.filter(due_on__lt=today).count(), reverse("cases:inbox"), "danger"),
        ],
        rows,
        reverse("cases:inbox"),
    )


register_home_card(HomeCard("cases_steps", Capability.HANDLE_STEPS, 10, steps_card))
register_home_card(HomeCard("cases_window", Capability.ACCEPT_APPLICATIONS, 20, window_card))
register_home_card(HomeCard("cases_transfers", None, 15, transfers_card))
