"""Error codes of supervision (raised as core.errors.DomainError): the stable code and what it means."""

from django.db import models


class SupervisionCode(models.TextChoices):
    BAD_SAMPLE = "bad_sample", "抽查条件不正确"
    EMPTY_POPULATION = "empty_population", "所选范围内没有可抽查的记录"
    ALREADY_CHECKED = "already_checked", "该记录已核查"
    NO_UNIT = "no_unit", "找不到责任单位"
    WRONG_STATE = "wrong_state", "整改当前状态不允许此操作"
    NOT_YOUR_UNIT = "not_your_unit", "不是本单位的整改事项"
    EVIDENCE_MISSING = "evidence_missing", "未填写整改情况"
    OPINION_REQUIRED = "opinion_required", "须先取得稽查意见"
    OPINION_DISAGREES = "opinion_disagrees", "稽查意见为不同意"
    MONTH_PUBLISHED = "month_published", "该月考核已公布，不能再修改"
    NOT_COMPUTED = "not_computed", "该月考核尚未计算"
    NO_POLICY = "no_policy", "未设定整改时限"
