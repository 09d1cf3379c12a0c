"""The society line's error codes (raised as core.errors.DomainError), with Chinese messages."""

from django.db import models


class SocietyCode(models.TextChoices):
    NO_PERMISSION = "no_permission", "无权办理"
    BAD_INPUT = "bad_input", "填写有误"
    NOT_FOUND = "not_found", "找不到该记录，或不在您的管辖范围"
    NO_CONSENT = "no_consent", "未记录居民同意"
    WRONG_STATE = "wrong_state", "当前状态不能办理"
    DEREGISTERED = "deregistered", "机构已注销"
    NOT_STAFF = "not_staff", "未关联服务机构"
    DUPLICATE = "duplicate", "已有记录"
