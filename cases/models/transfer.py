"""Transfers (转办) and joint opinions (会办): work sent from a step to another department."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned


class Transfer(AreaOwned):
    """Owned by the receiving department's area (area_code = to_unit.area_code): the department
    finds it in its own queue; the case is reached through it (cases.access)."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("转办")
        JOINT = "joint", _("会办")

    class State(models.TextChoices):
        OPEN = "open", _("待答复")
        REPLIED = "replied", _("已答复")
        CANCELLED = "cancelled", _("已撤回")

    case = models.ForeignKey("cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="transfers")
    step = models.ForeignKey(
        "cases.CaseStep", verbose_name=_("环节"), on_delete=models.PROTECT, related_name="transfers"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.TRANSFER)
    from_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("转出单位"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey("accounts.Unit", verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="+")
    request = models.TextField(_("转办事项"))
    sent_on = models.DateField(_("转办日期"))
    due_on = models.DateField(_("答复期限"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("转办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    reply = models.TextField(_("答复意见"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("转办")
        verbose_name_plural = _("转办")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["to_unit", "state"], name="cases_transfer_inbox"),
            models.Index(fields=["from_unit", "state"], name="cases_transfer_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.to_unit} · {self.case_id}"
