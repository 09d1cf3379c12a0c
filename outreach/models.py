"""政策找人: a resident the platform found to qualify for a programme they do not receive (a finding),
with why, and what the 民生员 did about it: visited, applied for them, or recorded that they decline.

One row per programme and person, ever (the unique constraint): the daily job adds only people not
found before, so re-running it never duplicates a finding, and a person who declined is not asked
again every morning. A finding closes by itself when the person's enrolment starts (services.close_enrolled).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from policy.programmes import Programme


class Finding(AreaOwned):
    class Status(models.TextChoices):
        OPEN = "open", _("待走访")
        VISITED = "visited", _("已走访")
        APPLIED = "applied", _("已代办申请")
        ENROLLED = "enrolled", _("已享受")
        DECLINED = "declined", _("本人不申请")
        VOID = "void", _("已失效")

    OPEN_STATUSES = (Status.OPEN, Status.VISITED, Status.APPLIED)

    programme = models.CharField(_("救助项目"), max_length=30, choices=Programme.choices)
    # no database foreign keys: rows are written by the statement that reads them from the registry
    # (millions at province scale, docs/decisions/0014)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("居民"), on_delete=models.PROTECT, db_constraint=False, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        null=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
    )
    reason = models.CharField(_("符合条件的理由"), max_length=300)
    monthly_amount = models.DecimalField(_("可享受金额（元/月）"), max_digits=10, decimal_places=2, null=True)
    found_on = models.DateField(_("发现日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    visited_on = models.DateField(_("走访日期"), null=True, blank=True)
    visit_note = models.CharField(_("走访情况"), max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    applied_on = models.DateField(_("代办申请日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("政策找人线索")
        verbose_name_plural = _("政策找人线索")
        ordering = ["area_code", "programme", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"], name="one_finding_per_programme_person"),
        ]
        indexes = [models.Index(fields=["area_code", "status"], name="finding_area_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} · {self.reason[:20]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
