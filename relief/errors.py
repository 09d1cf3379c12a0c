"""Relief's error codes (raised as core.errors.DomainError), with Chinese messages."""

from django.db import models


class ReliefCode(models.TextChoices):
    NO_PERMISSION = "no_permission", "无权办理"
    OUT_OF_AREA = "out_of_area", "不在管辖范围"
    BAD_INPUT = "bad_input", "填写有误"
    NOT_AFFECTED = "relief_not_affected", "该村不在受灾区域"
    NO_DEADLINE = "relief_no_deadline", "没有报送时限"
    ALREADY_CHECKED = "relief_already_checked", "报告已核查"
    NOT_STABLE = "relief_not_stable", "灾情尚未稳定"
    STOCK_SHORT = "relief_stock_short", "库存不足"
    NO_SIGNATURE = "relief_no_signature", "没有签收"
    ALREADY_APPROVED = "relief_already_approved", "已审批"
    SELF_APPROVAL = "relief_self_approval", "评定人不能审批自己的评定"
    ALREADY_DELIVERED = "relief_already_delivered", "已送达"
    CAMPAIGN_STATE = "relief_campaign_state", "专项行动状态不允许"
