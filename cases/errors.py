"""Errors of the cases engine: a stable code the code compares, and a Chinese message the user reads."""


class CaseError(Exception):
    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


# Codes raised by the services (for API clients; the message is what the window shows).
CODES = {
    "no_version": "事项在该日期没有生效的流程",
    "version_backdated": "新版本生效日期早于现行版本",
    "version_in_use": "版本已被案件使用，不能修改",
    "level_not_allowed": "本级窗口不能受理该事项",
    "no_permission": "无权办理",
    "outside_jurisdiction": "不在本辖区",
    "step_conflict": "该环节已被他人处理",
    "step_not_active": "环节不在办理中",
    "materials_missing": "材料不齐",
    "opinions_pending": "会办部门意见未齐",
    "transfers_open": "转办未答复",
    "notice_running": "公示期未满",
    "period_running": "法定期间未满",
    "reason_required": "须填写理由",
    "case_closed": "案件已办结",
    "reply_issued": "已答复",
    "not_finished": "案件未办结",
    "no_unit": "找不到责任单位",
    "transfer_target": "转办对象须为其他部门",
    "transfer_conflict": "转办已答复",
}
