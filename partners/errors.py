"""The partners' API error codes (raised as core.errors.DomainError), with Chinese messages."""

from django.db import models


class PartnerCode(models.TextChoices):
    NO_CREDENTIALS = "no_credentials", "缺少客户端凭证"
    BAD_CREDENTIALS = "bad_credentials", "客户端凭证不正确"
    REVOKED = "revoked", "客户端已被吊销"
    SCOPE = "scope", "超出授权范围"
    RATE_LIMITED = "rate_limited", "请求过于频繁"
    BAD_INPUT = "bad_input", "填写有误"
    OUT_OF_AREA = "out_of_area", "不在管辖范围"
    NOT_FOUND = "not_found", "找不到"
    BATCH_CONFLICT = "batch_conflict", "批次编号已用于另一批数据"
    BATCH_INVALID = "batch_invalid", "批次数据不合格"
    CHECKSUM = "checksum", "校验值不符"


# HTTP statuses of these refusals (core.api.domain_error_handler answers them; 400 otherwise).
ERROR_STATUS = {
    PartnerCode.NO_CREDENTIALS: 401,
    PartnerCode.BAD_CREDENTIALS: 401,
    PartnerCode.REVOKED: 401,
    PartnerCode.SCOPE: 403,
    PartnerCode.RATE_LIMITED: 429,
    PartnerCode.OUT_OF_AREA: 404,
    PartnerCode.NOT_FOUND: 404,
    PartnerCode.BATCH_CONFLICT: 409,
    PartnerCode.BATCH_INVALID: 422,
    PartnerCode.CHECKSUM: 422,
}
