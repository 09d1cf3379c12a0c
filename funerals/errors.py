"""The funeral line's error codes (raised as core.errors.DomainError)."""

from django.db import models


class FuneralCode(models.TextChoices):
    FORBIDDEN = "funeral_forbidden", "无权限"
    FILE_NOT_CHECKED = "funeral_file_not_checked", "文件未通过检查"
    BAD_KIND = "funeral_bad_kind", "来源不正确"
    NO_FUNERAL_HOME = "funeral_no_home", "未选择殡仪馆"
    NOT_SUGGESTED = "funeral_not_suggested", "不是待确认的匹配"
    SERVICE_TWICE = "funeral_service_twice", "重复登记殡葬服务"
    BAD_DATE = "funeral_bad_date", "日期不正确"
    BAD_BURIAL = "funeral_bad_burial", "生态安葬信息不全"
    BAD_ACCOUNT = "funeral_bad_account", "银行账号不正确"
