"""Demo elderly care (make run): institutions with beds and residents in 新邵县, a home-care provider
with its carer (demo user jigou), orders for eligible elderly of the county seat with this month's
service records (one pair at the same time, flagged), and a resident of the 民生员's village who
turns 80 next month (政策找人 lists her). Idempotent: a second run adds nothing."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from areas.jurisdiction import system_scope
from core.months import add_months, month_start
from eldercare import services
from eldercare.models import Carer, HomeCareItem, HomeCareOrder, InstitutionProfile, Residence, ServiceRecord
from ledger.models import Enrolment
from registry.idcard import make_id_number
from registry.models import Household, Membership, Organisation, Person
from registry.pinyin import pinyin_of
from registry.relations import Relation

INSTITUTIONS = [
    # (name, township offset, ownership, licence number, beds by level, staff, carers)
    (
        "新邵县社会福利院",
        0,
        "public",
        "43052220190001",
        {"self_care": 20, "partly_disabled": 12, "fully_disabled": 6},
        38,
        22,
    ),
    (
        "酿溪镇敬老院",
        0,
        "tekun_home",
        "43052220200003",
        {"self_care": 8, "partly_disabled": 3, "fully_disabled": 1},
        9,
        5,
    ),
    (
        "严塘镇中心敬老院",
        1,
        "tekun_home",
        "43052220200007",
        {"self_care": 6, "partly_disabled": 2, "fully_disabled": 1},
        7,
        4,
    ),
    (
        "夕阳红颐养院",
        1,
        "private",
        "43052220210012",
        {"self_care": 8, "partly_disabled": 6, "fully_disabled": 4},
        16,
        10,
    ),
]
ITEMS = [("助餐", "30"), ("助洁", "40"), ("助浴", "50"), ("陪同就医", "45")]


def _organisation(name, kind, area_code) -> Organisation:
    org = Organisation.unscoped.filter(name=name, kind=kind).first()
    return org or Organisation.objects.create(
        name=name, kind=kind, area_code=area_code, address=f"新邵县{name}", registered_on=date(2019, 6, 1)
    )


def _turning_80(village: str, today: date) -> Person | None:
    """李秋菊 of the 民生员's village: 80 on the 10th of next month."""
    if Person.unscoped.filter(name="李秋菊", area_code=village).exists():
        return None
    next_month = add_months(month_start(today), 1)
    born = date(next_month.year - 80, next_month.month, 10)
    person = Person.objects.create(
        id_number=make_id_number(village[:6], born, 488, False),
        name="李秋菊",
        name_pinyin=pinyin_of("李秋菊")[0],
        name_initials=pinyin_of("李秋菊")[1],
        sex="F",
        birth_date=born,
        area_code=village,
        hukou_area_code=village,
        marital_status=Person.MaritalStatus.WIDOWED,
        labour_capacity=Person.LabourCapacity.NONE,
    )
    household = Household.objects.create(
        number=f"{village}90080",
        head=person,
        area_code=village,
        address="新邵县酿溪镇城西社区幸福路8号",
        bank_name="新邵农商银行",
        bank_account_name="李秋菊",
        bank_account="6230901818000080",
    )
    Membership.objects.create(
        household=household, person=person, relation=Relation.HEAD, start_date=date(2000, 1, 1), area_code=village
    )
    return person


@transaction.atomic
def load_eldercare_demo(today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    made = {"institutions": 0, "residents": 0, "orders": 0, "records": 0, "turning_80": 0}
    with system_scope():
        clerk = User.objects.filter(username="clerk").select_related("unit").first()
        clerk2 = User.objects.filter(username="clerk2").select_related("unit").first()
        jigou = User.objects.filter(username="jigou").first()
        minsheng = User.objects.filter(username="minsheng").select_related("unit").first()
        if not (clerk and clerk2 and clerk.unit_id and clerk2.unit_id):
            return made
        townships = [clerk.unit.area_code, clerk2.unit.area_code]
        homes = []
        for name, which, ownership, number, beds, staff, carers in INSTITUTIONS:
            org = _organisation(name, Organisation.Kind.ELDERLY_INSTITUTION, townships[which])
            profile, created = InstitutionProfile.objects.get_or_create(
                organisation=org,
                defaults={
                    "area_code": org.area_code,
                    "ownership": ownership,
                    "licence": "filing",
                    "licence_number": number,
                    "licence_date": date(2020, 3, 1),
                    "staff": staff,
                    "carers": carers,
                },
            )
            if created:
                services.set_beds(profile, beds)
                made["institutions"] += 1
            homes.append(profile)
        # residents: the county's 特困 elderly of the county seat go to its 敬老院, others to the 福利院
        if not Residence.unscoped.exists():
            tekun = Enrolment.unscoped.filter(
                programme="tekun", status="in_payment", area_code__startswith=townships[0][:9]
            ).select_related("beneficiary")[:6]
            for enrolment in tekun:
                if enrolment.beneficiary and enrolment.beneficiary.is_alive:
                    services.admit(
                        institution=homes[1],
                        person=enrolment.beneficiary,
                        care_level="self_care",
                        on_date=today - timedelta(days=200),
                        user=clerk,
                    )
                    made["residents"] += 1
            elderly = Person.unscoped.filter(
                area_code__startswith=townships[0][:9], life_status="alive", birth_date__lte=date(today.year - 85, 1, 1)
            ).exclude(enrolments__programme="tekun")[:12]
            for index, person in enumerate(elderly):
                services.admit(
                    institution=homes[0],
                    person=person,
                    care_level=["self_care", "partly_disabled", "fully_disabled"][index % 3],
                    on_date=today - timedelta(days=30 + index * 20),
                    user=clerk,
                )
                made["residents"] += 1
        # the home-care provider, its items and its carer (jigou)
        org = _organisation("夕阳红居家养老服务中心", Organisation.Kind.CARE_PROVIDER, townships[0])
        provider, _ = InstitutionProfile.objects.get_or_create(
            organisation=org,
            defaults={
                "area_code": org.area_code,
                "ownership": "private",
                "staff": 12,
                "carers": 9,
                "bank_name": "新邵农商银行",
                "bank_account_name": "新邵县夕阳红居家养老服务中心",
                "bank_account": "6230901818009001",
            },
        )
        items = []
        for name, price in ITEMS:
            item, _ = HomeCareItem.objects.get_or_create(
                provider=provider, name=name, defaults={"hourly_price": Decimal(price), "area_code": provider.area_code}
            )
            items.append(item)
        carer, _ = Carer.objects.get_or_create(
            provider=provider, name="吴志明", defaults={"user": jigou, "area_code": provider.area_code}
        )
        if not HomeCareOrder.unscoped.exists():
            eligible = Enrolment.unscoped.filter(
                programme__in=["tekun", "dibao"], status="in_payment", area_code__startswith=townships[0][:9]
            ).select_related("beneficiary", "household__head")
            people = []
            for enrolment in eligible:
                person = enrolment.beneficiary or enrolment.household.head
                if person and person.is_alive and person.age_on(today) >= 60 and person not in people:
                    people.append(person)
                if len(people) == 4:
                    break
            for person in people:
                if HomeCareOrder.unscoped.filter(person=person, status="active").exists():
                    continue
                order = services.create_order(
                    person=person, provider=provider, items=items[:3], on_date=month_start(today), user=clerk
                )
                made["orders"] += 1
                day = max(1, min(today.day - 1, 3))
                for start_day in sorted({1, day}):
                    begin = timezone.make_aware(
                        datetime.combine(
                            month_start(today) + timedelta(days=start_day - 1), time(9 + made["orders"] * 2)
                        )
                    )
                    if begin + timedelta(hours=1) > timezone.now():
                        continue
                    services.record_service(
                        carer=carer,
                        order=order,
                        item=items[0],
                        started_at=begin,
                        ended_at=begin + timedelta(hours=1),
                        confirm_code=person.id_number[-4:],
                    )
                    made["records"] += 1
            if ServiceRecord.unscoped.exists():  # one visit at the same time as another: flagged
                first = ServiceRecord.unscoped.order_by("started_at").first()
                other = HomeCareOrder.unscoped.exclude(pk=first.order_id).first()
                if other is not None:
                    services.record_service(
                        carer=carer,
                        order=other,
                        item=items[0],
                        started_at=first.started_at + timedelta(minutes=30),
                        ended_at=first.ended_at + timedelta(minutes=30),
                        confirm_code=other.person.id_number[-4:],
                    )
                    made["records"] += 1
        if minsheng and minsheng.unit_id and _turning_80(minsheng.unit.area_code, today):
            made["turning_80"] = 1
    return made
