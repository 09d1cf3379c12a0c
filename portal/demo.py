"""Demo data for the resident portal (make run): a resident bound to a household in payment in the
民生员's village, the county seat's service points, each township's 行风监督员, and one online
application, one complaint and one home-service booking to work on. Idempotent."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import Unit, User
from areas.jurisdiction import scope_for_area, system_scope, within
from cases.models import ServiceItem
from ledger.models import Enrolment
from portal import services
from portal.models import Booking, Complaint, ConductSupervisor, OnlineApplication, ResidentAccount, ServicePoint
from registry.models import Household, Person

DEMO_PHONE = "13807390522"
CENTRE_ITEMS = ["dibao", "tekun", "temp_emergency", "temp_expense", "disability_living", "disability_care"]
STATION_ITEMS = ["temp_emergency", "dibao"]
SUPERVISORS = [
    ("周正平", "县人大代表"),
    ("彭淑华", "退休教师、村民代表"),
    ("曾国良", "县政协委员"),
    ("谭秀英", "乡镇人大代表"),
    ("刘建军", "退役军人、村民代表"),
    ("肖丽娟", "社区党员志愿者"),
    ("罗志强", "乡镇人大代表"),
    ("陈桂兰", "退休干部"),
    ("邓海涛", "村民代表"),
    ("唐美玲", "妇联执委"),
    ("胡德明", "县政协委员"),
    ("蒋小燕", "社区党员志愿者"),
    ("谢长青", "退休教师"),
    ("黄永红", "村民代表"),
    ("李春生", "乡镇人大代表"),
    ("袁晓梅", "律师、法律顾问"),
]


def _points(minsheng: User) -> int:
    created = 0
    township = Unit.unscoped.filter(
        kind=Unit.Kind.TOWNSHIP_OFFICE, area_code=minsheng.unit.area_code[:9] + "000"
    ).first()
    if township is None:
        return 0
    centre, made = ServicePoint.unscoped.get_or_create(
        name=f"{township.name.replace('民政办', '')}便民服务中心",
        defaults={
            "kind": ServicePoint.Kind.CENTRE,
            "address": "新邵县酿溪镇资江北路88号（镇政府一楼大厅）",
            "hours": "工作日 8:30-12:00，14:30-17:30",
            "off_hours": "周六 9:00-12:00；工作日晚上 19:00-20:30（预约）",
            "phone": township.phone or "0739-3622000",
            "unit": township,
            "area_code": township.area_code,
        },
    )
    if made:
        centre.items.set(ServiceItem.objects.filter(code__in=CENTRE_ITEMS))
        created += 1
    station, made = ServicePoint.unscoped.get_or_create(
        name=f"{minsheng.unit.name.replace('居委会', '').replace('村委会', '')}社区服务站",
        defaults={
            "kind": ServicePoint.Kind.STATION,
            "address": "新邵县酿溪镇城西路12号（社区综合服务楼）",
            "hours": "每天 8:00-18:00",
            "off_hours": "周日 9:00-11:30",
            "unit": township,
            "area_code": minsheng.unit.area_code,
        },
    )
    if made:
        station.items.set(ServiceItem.objects.filter(code__in=STATION_ITEMS))
        created += 1
    return created


def _supervisors() -> int:
    created = 0
    for index, township in enumerate(
        Unit.unscoped.filter(kind=Unit.Kind.TOWNSHIP_OFFICE, area_code__startswith="430522")
    ):
        name, title = SUPERVISORS[index % len(SUPERVISORS)]
        _, made = ConductSupervisor.unscoped.get_or_create(
            area_code=township.area_code,
            name=name,
            defaults={"phone": f"1397390{index:04d}", "title": title},
        )
        created += made
    return created


def _resident(minsheng: User) -> ResidentAccount | None:
    account = ResidentAccount.unscoped.filter(phone=DEMO_PHONE).first()
    if account is not None and account.is_bound:
        return account
    village = minsheng.unit.area_code
    in_payment = Enrolment.unscoped.filter(area_code__startswith=village, status=Enrolment.Status.IN_PAYMENT)
    household = (
        Household.unscoped.filter(pk__in=in_payment.values("household_id"), head__isnull=False, is_active=True)
        .order_by("pk")
        .first()
    ) or Household.unscoped.filter(area_code__startswith=village, head__isnull=False).order_by("pk").first()
    if household is None:
        return None
    head = household.head
    Person.unscoped.filter(pk=head.pk).update(phone=DEMO_PHONE)
    head.phone = DEMO_PHONE
    account = account or ResidentAccount.unscoped.create(phone=DEMO_PHONE)
    return services.bind(account, name=head.name, id_number=head.id_number)


def load_portal_demo() -> dict:
    with system_scope():
        minsheng = User.objects.filter(username="minsheng").select_related("unit").first()
        if minsheng is None or minsheng.unit_id is None:
            return {"points": 0, "supervisors": 0, "resident": ""}
        points = _points(minsheng)
        supervisors = _supervisors()
        account = _resident(minsheng)
    if account is None:
        return {"points": points, "supervisors": supervisors, "resident": ""}
    household = services.household_of(account)
    today = timezone.localdate()
    with within(scope_for_area(household.area_code[:12])):
        if not OnlineApplication.objects.filter(account=account).exists():
            services.submit_application(
                account,
                household,
                item=ServiceItem.objects.get(code="temp_emergency"),
                reason="老伴住院手术，自付医疗费用较多，家中生活困难",
                requested_amount="2000",
                documents=[d for d in services.household_documents(household) if d.doc_type_id == "id_card"][:1],
                on_date=today,
            )
        if not Complaint.objects.filter(account=account).exists():
            services.file_complaint(
                account,
                household,
                kind=Complaint.Kind.DELAY,
                content="上个月提交的残疾人补贴申请，到现在还没有人联系我",
                on_date=today - timedelta(days=3),
            )
        if not Booking.objects.filter(account=account).filter(Q(kind=Booking.Kind.HOME)).exists():
            services.book(
                account,
                household,
                kind=Booking.Kind.HOME,
                starts_at=timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0) + timedelta(days=1),
                need="老人行动不便，请上门帮助办理高龄津贴申请",
            )
    return {"points": points, "supervisors": supervisors, "resident": DEMO_PHONE}
