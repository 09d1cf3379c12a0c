"""Monitoring's error codes (raised as core.errors.DomainError), with Chinese messages. The label says
what the code means."""

from django.db import models


class MonitoringCode(models.TextChoices):
    NO_ITEM = "no_item", "找不到服务事项"
    NO_PERMISSION = "no_permission", "无权处置"
    NOTE_REQUIRED = "note_required", "须填写走访情况"
    REASON_REQUIRED = "reason_required", "须填写理由"
    STAGE_CONFLICT = "stage_conflict", "预警刚被他人处置"
    VISIT_FIRST = "visit_first", "须先登记走访"
    BAD_ASSIGNEE = "bad_assignee", "责任人不能处置该预警"
    BAD_DEADLINE = "bad_deadline", "走访期限不正确"
