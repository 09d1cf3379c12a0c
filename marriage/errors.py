"""The marriage line's error codes (raised as core.errors.DomainError), with Chinese messages."""

from django.db import models


class MarriageCode(models.TextChoices):
    NO_PERMISSION = "no_permission", "无权办理婚姻登记"
    NOT_AN_OFFICE = "not_an_office", "本单位不是婚姻登记机关"
    BAD_INPUT = "bad_input", "填写有误"
    IDENTITY = "identity", "身份信息与居民档案不一致"
    REFUSED = "refused", "不符合登记条件"
    NOT_IN_FORCE = "not_in_force", "婚姻登记已解除或撤销"
    NOT_OPEN = "not_open", "离婚申请已结束"
    NOT_WITHIN_PERIOD = "not_within_period", "不在法定期间内"
    PURPOSE_REQUIRED = "purpose_required", "须写明查询事由"
