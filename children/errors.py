"""Children's welfare error codes (raised as core.errors.DomainError), with Chinese messages."""

from django.db import models


class ChildCode(models.TextChoices):
    BAD_INPUT = "bad_input", "填写有误"
    OUT_OF_AREA = "out_of_area", "不在管辖范围"
    NOT_A_CHILD = "not_a_child", "不是未成年人"
    ALREADY_RECORDED = "already_recorded", "已建档"
    CLOSED = "closed", "档案已关闭"
    REPORT_DONE = "report_done", "报告已办结"
