"""The assistance procedures' error codes (raised as core.errors.DomainError): a stable code the code
compares, a Chinese message the user reads. The label says what the code means."""

from django.db import models


class AssistanceCode(models.TextChoices):
    ABOVE_CAP = "above_cap", "超过临时救助上限"
    AMOUNT = "amount", "填写的内容不完整或金额不正确"
    APPRAISAL_MISSING = "appraisal_missing", "未完成村民代表评议"
    ASSESSMENT_MISSING = "assessment_missing", "未完成生活自理能力评估"
    AUTHORISATION_MISSING = "authorisation_missing", "未签署核对授权书"
    BENEFICIARY_MISSING = "beneficiary_missing", "未指定享受人"
    CLOSED = "closed", "已作出决定或已终止"
    CONFIRM_VIA_ASSISTANCE = "confirm_via_assistance", "须在救助申请页面确认"
    COUNTY_VISIT_MISSING = "county_visit_missing", "近亲属备案案件须县级入户核查"
    DUPLICATE = "duplicate", "已登记"
    INVESTIGATORS = "investigators", "调查人员不足两人或未签字"
    NO_MEMBERS = "no_members", "共同生活家庭成员为空"
    NO_NOTICE = "no_notice", "该项目不公示或尚未公示"
    NO_PERMISSION = "no_permission", "无权办理"
    NOT_ALONE = "not_alone", "不符合单人户条件"
    NOT_ELIGIBLE = "not_eligible", "不符合条件"
    NOTICE_NOT_OBJECTED = "notice_not_objected", "公示没有待处理的异议"
    NOTICE_RUNNING = "notice_running", "公示期未满或已结束"
    OBJECTION_OPEN = "objection_open", "公示异议未处理"
    PERSON_NOT_FOUND = "person_not_found", "查无此人"
    RELATION_INVALID = "relation_invalid", "近亲属关系填写不完整"
    REVIEW_OUTCOME_REQUIRED = "review_outcome_required", "须先记录复核结果"
    SPOT_CHECK_PENDING = "spot_check_pending", "抽查案件尚未核查"
    SURVEY_MISSING = "survey_missing", "未完成家庭经济状况调查"
    WRONG_STEP = "wrong_step", "当前环节不能办理此事项"
