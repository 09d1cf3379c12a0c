"""Grid work's error codes (raised as core.errors.DomainError), with Chinese messages."""

from django.db import models


class GridCode(models.TextChoices):
    NO_PERMISSION = "no_permission", "无权办理"
    OUT_OF_AREA = "out_of_area", "不在管辖范围"
    BAD_INPUT = "bad_input", "填写有误"
    NOT_UPWARDS = "not_upwards", "只能向上一级流转"
    STATE_CONFLICT = "state_conflict", "刚被他人处理"
    NO_UNIT = "no_unit", "找不到承办单位"
    NOT_OPEN = "not_open", "事件已办结"
    BAD_SIGNATURE = "bad_signature", "签名不正确"
    UNKNOWN_AREA = "unknown_area", "区划代码不存在"
