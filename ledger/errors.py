"""The ledger's error codes (raised as core.errors.DomainError): a refused ledger action has a
stable code and a Chinese message. The label says what the code means."""

from django.db import models


class LedgerCode(models.TextChoices):
    AMOUNT = "amount", "保障金额不正确"
    CARE_ARRANGEMENT = "care_arrangement", "供养方式不正确"
    BENEFICIARY_MISSING = "beneficiary_missing", "未指定享受人"
    CONCURRENT_CHANGE = "concurrent_change", "保障对象刚被其他人修改"
    INCOMPATIBLE = "incompatible", "不得同时享受"
    NOT_IN_PAYMENT = "not_in_payment", "不是正常发放的对象"
    OUTSIDE_JURISDICTION = "outside_jurisdiction", "不在本辖区"
    REVIEW_BASIS = "review_basis", "复核类别不正确"
    PAYEE_INVALID = "payee_invalid", "收款人信息不正确"
    PAYEE_REASON_MISSING = "payee_reason_missing", "代领未填写理由"
    STOPPED = "stopped", "已停保"
