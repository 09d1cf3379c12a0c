"""The cases engine's error codes (raised as core.errors.DomainError): a stable code the code
compares, and a Chinese message the user reads. The label says what the code means."""

from django.db import models


class CaseCode(models.TextChoices):
    APPLICANT_NOT_MEMBER = "applicant_not_member", "申请人不是该户现有成员"
    BAD_ACTION = "bad_action", "未知的办理动作"
    CASE_CLOSED = "case_closed", "案件已办结"
    DUE_IN_PAST = "due_in_past", "限办日期早于今天"
    LEVEL_NOT_ALLOWED = "level_not_allowed", "本级窗口不能受理该事项"
    MATERIALS_MISSING = "materials_missing", "材料不齐"
    NO_PERMISSION = "no_permission", "无权办理"
    NO_UNIT = "no_unit", "找不到责任单位"
    NO_VERSION = "no_version", "事项在该日期没有生效的流程"
    NOT_FINISHED = "not_finished", "案件未办结"
    NOT_FOUND = "not_found", "找不到，或不在本辖区"
    NOTICE_PERIOD_MISSING = "notice_period_missing", "未设定公示期天数"
    NOTICE_RUNNING = "notice_running", "公示期未满"
    OPINIONS_PENDING = "opinions_pending", "会办部门意见未齐"
    OUTSIDE_JURISDICTION = "outside_jurisdiction", "不在本辖区"
    PERIOD_RUNNING = "period_running", "法定期间未满"
    REASON_REQUIRED = "reason_required", "须填写理由"
    REFUSAL_NOTICE_PERIOD_MISSING = "refusal_notice_period_missing", "未设定不予确认通知书送达时限"
    REPLY_ISSUED = "reply_issued", "已答复"
    SUBJECT_INCOMPLETE = "subject_incomplete", "办件对象信息不全"
    STEP_CONFLICT = "step_conflict", "该环节已被他人处理"
    STEP_NOT_ACTIVE = "step_not_active", "环节不在办理中"
    TRANSFER_CONFLICT = "transfer_conflict", "转办已答复"
    TRANSFER_TARGET = "transfer_target", "转办对象须为其他部门"
    TRANSFERS_OPEN = "transfers_open", "转办未答复"
    VERSION_BACKDATED = "version_backdated", "新版本生效日期早于现行版本"
