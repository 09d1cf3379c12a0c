"""养老服务's error codes (raised as core.errors.DomainError), with Chinese messages."""

from django.db import models


class ElderCode(models.TextChoices):
    NO_BED = "no_bed", "没有空余床位"
    ALREADY_RESIDENT = "already_resident", "已在机构入住"
    NOT_RESIDENT = "not_resident", "未在院"
    NOT_ELIGIBLE = "not_eligible", "不符合条件"
    ORDER_EXISTS = "order_exists", "已有服务中的工单"
    BAD_INPUT = "bad_input", "填写有误"
    FORBIDDEN = "forbidden", "无权办理"
    MAKER_CHECKER = "maker_checker", "不能审批自己生成的结算单"
    FROZEN = "frozen", "结算单已审批"
    NOT_FOUND = "not_found", "找不到"
