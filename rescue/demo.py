"""Demo rescue station (make run): people in the station (one overdue, one due soon, one not yet
identified), earlier stays that ended (returned home, placed, left) and a repeat arrival.
Idempotent: a second run adds nothing."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from areas.jurisdiction import scope_for_user, system_scope, within
from policy.defaults import NATIONAL_DEFAULTS, NATIONAL_DOCUMENT
from policy.models import PolicyDocument, PolicyParameter
from policy.programmes import ParameterKey
from registry import unidentified
from registry.models import Organisation
from rescue import services
from rescue.models import Stay

PEOPLE = [
    # days ago, name, hometown, found place, referral, health, needs, end
    (40, "黄国平", "湖南省邵阳市隆回县", "县城汽车站", Stay.Referral.POLICE, "营养不良", "返乡车票", "return"),
    (25, "黄国平", "湖南省邵阳市隆回县", "资江大桥", Stay.Referral.STREET, "良好", "返乡车票", None),
    (30, "马某", "自述贵州", "县人民医院门口", Stay.Referral.PUBLIC, "智力残疾，无法表达", "长期照料", "place"),
    (15, "刘三", "湖南省娄底市", "城南菜市场", Stay.Referral.SELF, "良好", "临时食宿", "leave"),
    (12, "曾某", "自述广西", "新邵火车站", Stay.Referral.POLICE, "腿部外伤", "治疗、寻亲", None),
    (9, "唐小军", "湖南省衡阳市", "城关镇政府门口", Stay.Referral.CITY, "良好", "返乡", None),
    (2, "杨某", "湖南省怀化市", "S217国道旁", Stay.Referral.STREET, "感冒发热", "治疗", None),
]


def load_rescue_demo() -> dict[str, int]:
    with system_scope():
        user = User.objects.filter(username="jiuzhu").first()
        if user is None or not user.area_code:
            return {"stays": 0}
        # a database migrated before the national limit was declared gets it now (a fresh one has it)
        document = PolicyDocument.objects.filter(number=NATIONAL_DOCUMENT["number"]).first()
        PolicyParameter.objects.get_or_create(
            area_code="",
            key=ParameterKey.RESCUE_STAY_DAYS,
            effective_from=NATIONAL_DOCUMENT["issued_on"],
            defaults={
                "value": NATIONAL_DEFAULTS[ParameterKey.RESCUE_STAY_DAYS],
                "document": document,
                "note": "城市生活无着的流浪乞讨人员救助管理办法实施细则第十五条",
            },
        )
        county = user.area_code
        if not Organisation.unscoped.filter(kind=Organisation.Kind.RESCUE_STATION).exists():
            Organisation.objects.create(
                kind=Organisation.Kind.RESCUE_STATION, name="新邵县救助管理站", area_code=county
            )
        welfare = Organisation.unscoped.filter(kind=Organisation.Kind.ELDERLY_INSTITUTION).first() or (
            Organisation.objects.create(
                kind=Organisation.Kind.ELDERLY_INSTITUTION, name="新邵县社会福利院", area_code=county
            )
        )
        if Stay.unscoped.exists():
            return {"stays": 0}
    today = timezone.localdate()
    made = 0
    with within(scope_for_user(user)):
        for days, name, hometown, place, referral, health, needs, end in PEOPLE:
            arrived = today - timedelta(days=days)
            stay = services.intake(
                user=user,
                area_code=county,
                arrived_on=arrived,
                found_place=place,
                referral=referral,
                found_by="城关派出所" if referral == Stay.Referral.POLICE else "",
                stated_name=name,
                hometown=hometown,
                health=health,
                needs=needs,
            )
            made += 1
            if end == "return":
                services.return_home(
                    stay,
                    user=user,
                    left_on=arrived + timedelta(days=4),
                    destination=hometown,
                    escort="工作人员护送乘车",
                    handed_to="隆回县救助管理站",
                    note="已与家属见面",
                )
            elif end == "place":
                services.place(
                    stay,
                    user=user,
                    left_on=arrived + timedelta(days=14),
                    placement=welfare,
                    note="寻亲公告期满无人认领",
                )
            elif end == "leave":
                services.leave(stay, user=user, left_on=arrived + timedelta(days=3), note="本人要求离站")
            elif days == 12:
                services.extend(stay, days=5, reason="腿部外伤住院治疗", user=user)
        row = unidentified.record_unidentified(
            area_code=county,
            found_place="新邵县城西公园长椅",
            found_on=today - timedelta(days=4),
            user=user,
            sex="M",
            estimated_age=65,
            features="身高约165厘米，偏瘦，花白短发，右眉有疤，口音似邵阳本地",
            description="意识模糊，不能说出姓名和住址，衣着单薄",
            found_by="群众拨打110",
        )
        services.intake(
            user=user,
            area_code=county,
            arrived_on=row.found_on,
            found_place=row.found_place,
            referral=Stay.Referral.PUBLIC,
            found_by=row.found_by,
            sex="M",
            health="意识模糊",
            needs="寻亲、就医",
            unidentified=row,
        )
        made += 1
        services.warn_overdue(today)
    return {"stays": made}
