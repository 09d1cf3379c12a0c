"""The resident portal's error codes (raised as core.errors.DomainError), with Chinese messages."""

from django.db import models


class PortalCode(models.TextChoices):
    BAD_PHONE = "bad_phone", "手机号不正确"
    TOO_SOON = "too_soon", "发送过于频繁"
    BAD_CODE = "bad_code", "验证码不正确"
    LOCKED = "locked", "账号已锁定"
    NOT_BOUND = "not_bound", "尚未绑定家庭"
    BIND_FAILED = "bind_failed", "身份核验未通过"
    BAD_INPUT = "bad_input", "填写有误"
    NO_PERMISSION = "no_permission", "无权办理"
    STATE_CONFLICT = "state_conflict", "已被他人处理"
    NO_WINDOW = "no_window", "找不到受理窗口"
