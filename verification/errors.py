"""Verification's error codes (raised as core.errors.DomainError), with Chinese messages (callers
compare the code, never the message). The label says what the code means."""

from django.db import models


class VerificationCode(models.TextChoices):
    BATCH_STATE = "batch_state", "批次已被处理"
    BUSY = "busy", "同时上传的批次较多"
    CHANGED = "changed", "文件在校验后发生变化"
    DUPLICATE_FILE = "duplicate_file", "同一文件已入库"
    MISSING_COLUMNS = "missing_columns", "文件缺少必需的列"
    NO_AUTHORISATION = "no_authorisation", "没有核对授权书"
    NO_HEADER = "no_header", "找不到身份证号列"
    NO_HOUSEHOLD = "no_household", "没有对应家庭"
    NO_MEMBERS = "no_members", "家庭没有现有成员"
    NO_OUTREACH = "no_outreach", "未接入低收入人口动态监测"
    NO_RECHECK = "no_recheck", "没有待处理的复查申请"
    OUTCOME_REQUIRED = "outcome_required", "须填写复查结果"
    PROVIDER_REQUIRED = "provider_required", "须填写数据提供单位"
    REASON_REQUIRED = "reason_required", "须填写异议理由"
    RECHECK_PENDING = "recheck_pending", "已在复查中"
    RESOLUTION_REQUIRED = "resolution_required", "须写明办结结果"
    UNKNOWN_SOURCE = "unknown_source", "未知的数据源"
    UNSUPPORTED_FORMAT = "unsupported_format", "不支持的文件格式"
