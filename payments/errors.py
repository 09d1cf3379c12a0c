"""The payments error codes (raised as core.errors.DomainError): a refused payments action has a
stable code and a Chinese message. The label says what the code means."""

from django.db import models


class PaymentCode(models.TextChoices):
    ALLOCATION_MISMATCH = "allocation_mismatch", "拨付专户不匹配"
    AMOUNT = "amount", "金额不正确"
    BAD_AREA = "bad_area", "区划代码不正确"
    BLOCKED = "blocked", "名册有未处理的问题"
    CONCURRENT_CHANGE = "concurrent_change", "名册刚被其他人修改"
    CORRECTION_INCOMPLETE = "correction_incomplete", "更正信息不完整"
    DOCUMENT_MISSING = "document_missing", "未填写凭证或文件号"
    FILE_MISMATCH = "file_mismatch", "银行文件与名册不符"
    FORBIDDEN = "forbidden", "无权办理"
    FROZEN = "frozen", "名册已审批冻结"
    FUND_KIND = "fund_kind", "未知的资金类型"
    INSUFFICIENT_FUNDS = "insufficient_funds", "专户余额不足"
    MAKER_CHECKER = "maker_checker", "生成人不能审批自己生成的名册"
    NOT_APPROVED = "not_approved", "名册未审批"
    NOT_FAILED = "not_failed", "不是发放失败的明细"
    NOT_GENERATED = "not_generated", "名册不是待审批状态"
    NOT_IDENTICAL = "not_identical", "重新生成的银行文件与首次导出的不一致"
    NOT_MANUAL = "not_manual", "不是柜台发放的明细"
    OUTSIDE_JURISDICTION = "outside_jurisdiction", "不在本辖区"
    OVERRIDE_FORBIDDEN = "override_forbidden", "无权授权透支"
    PAID_IN_FUTURE = "paid_in_future", "发放日期晚于今天"
    REASON_MISSING = "reason_missing", "未填写理由"
    RETURN_ENCODING = "return_encoding", "回盘文件编码不正确"
    TARGET_MISSING = "target_missing", "未选择下级专户"
    UNKNOWN_PROGRAMME = "unknown_programme", "没有这个救助项目"
    VOUCHER_MISSING = "voucher_missing", "未填写发放凭证号"
