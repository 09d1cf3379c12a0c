"""What a partner client may do (授权范围). A client holds a list of these codes; every endpoint of
the partners' API names the one it needs, and every webhook event the one its receiver must hold.

Events the platform tells partners about, each with the scope its receiver needs."""

from django.db import models


class Scope(models.TextChoices):
    REGISTRY_READ = "registry:read", "查询居民生存状态"
    DEATHS_WRITE = "deaths:write", "报送死亡信息"
    DEATHS_READ = "deaths:read", "接收死亡通知"
    ENROLMENTS_READ = "enrolments:read", "读取保障对象（含变动通知与批量导出）"
    CASES_READ = "cases:read", "接收办件答复通知"
    BATCHES_WRITE = "batches:write", "上传批量交换文件"
    MEDICAL_READ = "medical:read", "读取医疗救助对象名单（医保局）"
    MEDICAL_WRITE = "medical:write", "报送医疗救助支付明细（医保局）"


class EventType(models.TextChoices):
    PERSON_DIED = "person.died", "居民死亡已登记"
    ENROLMENT_STARTED = "enrolment.started", "纳入保障"
    ENROLMENT_CHANGED = "enrolment.changed", "保障变更（调整金额、暂停、恢复、渐退、复核）"
    ENROLMENT_STOPPED = "enrolment.stopped", "停止保障"
    CASE_REPLIED = "case.replied", "办件已答复"


EVENT_SCOPE = {
    EventType.PERSON_DIED: Scope.DEATHS_READ,
    EventType.ENROLMENT_STARTED: Scope.ENROLMENTS_READ,
    EventType.ENROLMENT_CHANGED: Scope.ENROLMENTS_READ,
    EventType.ENROLMENT_STOPPED: Scope.ENROLMENTS_READ,
    EventType.CASE_REPLIED: Scope.CASES_READ,
}


def scope_label(code: str) -> str:
    return Scope(code).label if code in Scope.values else code


def event_label(code: str) -> str:
    return EventType(code).label if code in EventType.values else code
