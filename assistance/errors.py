"""Errors of the assistance procedures: a stable code the code compares, a Chinese message the user reads."""


class AssistanceError(Exception):
    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


CODES = {
    "authorisation_missing": "未签署核对授权书",
    "not_alone": "不符合单人户条件",
    "no_members": "共同生活家庭成员为空",
    "beneficiary_missing": "未指定享受人",
    "investigators": "调查人员不足两人或未签字",
    "survey_missing": "未完成家庭经济状况调查",
    "assessment_missing": "未完成生活自理能力评估",
    "appraisal_missing": "未完成村民代表评议",
    "wrong_step": "当前环节不能办理此事项",
    "no_notice": "该项目不公示",
    "notice_running": "公示期未满",
    "objection_open": "公示异议未处理",
    "notice_not_objected": "公示没有待处理的异议",
    "county_visit_missing": "近亲属备案案件须县级入户核查",
    "spot_check_pending": "抽查案件尚未核查",
    "not_eligible": "不符合条件",
    "incompatible": "不得同时享受",
    "amount": "金额不正确",
    "above_cap": "超过临时救助上限",
    "closed": "申请已作出决定",
    "no_permission": "无权办理",
    "no_clerk": "乡镇没有经办人员",
}
