"""Township social-work stations (乡镇(街道)社工站, 三社联动): a social worker records service-type
assistance for a household; it counts in the household's history (timeline) and in the monthly
statistics (one GROUP BY per month). Basis: 民政部关于加快乡镇(街道)社会工作服务站建设的通知."""

from datetime import date

from django.db.models import Count, Sum

from core.errors import DomainError
from core.months import month_end, month_start
from registry.models import Organisation
from society.errors import SocietyCode
from society.models import OrganisationStaff, ServiceRecord, ServiceType


def station_of(user) -> Organisation:
    link = (
        OrganisationStaff.objects.filter(user=user, organisation__kind=Organisation.Kind.SOCIAL_WORK_STATION)
        .select_related("organisation")
        .first()
    )
    if link is None:
        raise DomainError(SocietyCode.NOT_STAFF, "您的账号未关联社工站，不能记录社工服务")
    return link.organisation


def record_service(
    *, user, household, service_type: str, served_on: date, minutes: int, note: str, person=None
) -> ServiceRecord:
    station = station_of(user)
    if service_type not in ServiceType.values:
        raise DomainError(SocietyCode.BAD_INPUT, "请选择服务类型")
    if not minutes or minutes <= 0 or minutes > 24 * 60:
        raise DomainError(SocietyCode.BAD_INPUT, "服务时长应在1到1440分钟之间")
    if not note.strip():
        raise DomainError(SocietyCode.BAD_INPUT, "请填写服务内容")
    if person is not None and not household.memberships.filter(person=person).exists():
        raise DomainError(SocietyCode.BAD_INPUT, "服务对象不是该户成员")
    return ServiceRecord.objects.create(
        household=household,
        person=person,
        area_code=household.area_code,
        station=station,
        worker=user,
        service_type=service_type,
        served_on=served_on,
        minutes=minutes,
        note=note.strip(),
    )


def monthly_statistics(month: date) -> list[dict]:
    """Per station and service type in the month (caller's scope): services, households, hours."""
    rows = (
        ServiceRecord.objects.filter(served_on__gte=month_start(month), served_on__lte=month_end(month))
        .values("station__name", "service_type")
        .annotate(services=Count("id"), households=Count("household", distinct=True), minutes=Sum("minutes"))
        .order_by("station__name", "service_type")
    )
    labels = dict(ServiceType.choices)
    return [
        {
            "station": row["station__name"],
            "service_type": str(labels.get(row["service_type"], row["service_type"])),
            "services": row["services"],
            "households": row["households"],
            "hours": round((row["minutes"] or 0) / 60, 1),
        }
        for row in rows
    ]
