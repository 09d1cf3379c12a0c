"""The rescue station's error codes (raised as core.errors.DomainError)."""

from django.db import models


class RescueCode(models.TextChoices):
    FORBIDDEN = "rescue_forbidden", "无权限"
    BAD_DATE = "rescue_bad_date", "日期不正确"
    MISSING = "rescue_missing", "缺少必填信息"
    ALREADY_IN = "rescue_already_in", "正在站内受助"
    NOT_IN_STATION = "rescue_not_in_station", "已离站"
    BAD_EXTENSION = "rescue_bad_extension", "延长不符合要求"
    NOT_UNIDENTIFIED = "rescue_not_unidentified", "不是身份不明人员"
