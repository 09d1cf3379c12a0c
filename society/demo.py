"""Demo data of the society line (make run): in 新邵县, the county charity federation with money and
goods, a social-work service centre with a project, 酿溪镇's social-work station; their staff
accounts (jigou, shegong) linked; annual reports (one organisation overdue), a rating; needs of the
demo village's households at every stage; social-work services; a few months of open village affairs
(some missing) and a self-governance check. Idempotent: a second run adds nothing."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from areas.jurisdiction import system_scope
from core.months import add_months, month_start
from registry.models import Household, Organisation
from society import affairs, governance, lists, organisations, stations
from society.lists import area_prefix
from society.models import (
    DisclosureItem,
    GovernanceCriterion,
    Need,
    NeedKind,
    OrganisationStaff,
    Project,
    Resource,
    ServiceType,
)

CHARITY = "新邵县慈善总会"
CENTRE = "新邵县益心社会工作服务中心"
STATION = "酿溪镇社会工作服务站"
ASSOCIATION = "新邵县老年人协会"


def _org(user, name, kind, area, credit, **extra) -> Organisation:
    found = Organisation.objects.filter(name=name).first()
    if found:
        return found
    return organisations.register_organisation(
        user=user, kind=kind, name=name, area_code=area, credit_code=credit, registered_on=date(2019, 6, 1), **extra
    )


@transaction.atomic
def load_society_demo() -> dict[str, int]:
    with system_scope():
        approver = User.objects.filter(username="approver").select_related("unit").first()
        minsheng = User.objects.filter(username="minsheng").select_related("unit").first()
        jigou = User.objects.filter(username="jigou").first()
        shegong = User.objects.filter(username="shegong").select_related("unit").first()
        if not (approver and minsheng and minsheng.unit_id and approver.unit_id):
            return {"organisations": 0, "needs": 0}
        if Organisation.objects.filter(name=CHARITY).exists():
            return {"organisations": 0, "needs": 0}
        county = approver.unit.area_code
        village = minsheng.unit.area_code
        township = village[:9] + "000"
        today = timezone.localdate()
        charity = _org(
            approver,
            CHARITY,
            Organisation.Kind.CHARITY,
            county,
            "51430522MJK000011X",
            legal_representative="刘建国",
            address="新邵县酿溪镇大坪路8号",
            phone="0739-3621001",
            contact_name="彭秀英",
            scope="募集善款，开展扶贫济困、助学、助医",
            supervisor="新邵县民政局",
        )
        centre = _org(
            approver,
            CENTRE,
            Organisation.Kind.SOCIAL_SERVICE,
            township,
            "52430522MJK000022Y",
            legal_representative="周小平",
            address="新邵县酿溪镇资江路12号",
            contact_name="吴志明",
            scope="社会工作服务、心理疏导、居家探访",
            supervisor="新邵县民政局",
        )
        station = _org(
            approver,
            STATION,
            Organisation.Kind.SOCIAL_WORK_STATION,
            township,
            "",
            address="酿溪镇人民政府院内",
            contact_name="周晓燕",
            scope="乡镇社会工作服务",
        )
        _org(
            approver,
            ASSOCIATION,
            Organisation.Kind.SOCIAL_GROUP,
            county,
            "51430522MJK000033Z",
            legal_representative="曾德明",
            scope="老年人维权、文体活动",
        )
        organisations.change_registration(
            centre,
            user=approver,
            field="address",
            new_value="新邵县酿溪镇资江路36号",
            changed_on=date(2024, 3, 1),
            reason="办公场所搬迁",
        )
        last_year = today.year - 1
        for org, result in ((charity, "qualified"), (centre, "basic"), (station, "qualified")):
            report = organisations.submit_report(
                org,
                year=last_year,
                submitted_on=date(today.year, 4, 20),
                summary="全年开展活动，财务收支规范",
                income=Decimal("380000"),
                expense=Decimal("352000"),
            )
            organisations.check_report(
                report,
                user=approver,
                result=result,
                opinion="" if result == "qualified" else "档案管理需完善",
                checked_on=date(today.year, 6, 15),
            )
        organisations.rate(charity, user=approver, grade=4, rated_on=date(2023, 11, 20), note="县级评估")
        if jigou:
            OrganisationStaff.objects.get_or_create(user=jigou, defaults={"organisation": charity})
        if shegong:
            OrganisationStaff.objects.get_or_create(user=shegong, defaults={"organisation": station})

        funds = Resource.objects.create(
            organisation=charity,
            area_code=county,
            area_prefix=area_prefix(county),
            form=Resource.Form.FUNDS,
            kind=NeedKind.MEDICAL,
            name="大病救助专项善款",
            quantity=Decimal(200000),
            remaining=Decimal(186000),
            unit="元",
        )
        Resource.objects.create(
            organisation=charity,
            area_code=village,
            area_prefix=area_prefix(village),
            form=Resource.Form.GOODS,
            kind=NeedKind.LIVING,
            name="冬季慰问大米和棉被",
            quantity=Decimal(120),
            remaining=Decimal(120),
            unit="份",
        )
        Project.objects.create(
            organisation=centre,
            area_code=township,
            area_prefix=area_prefix(township),
            name="困境儿童陪伴成长计划",
            kind=NeedKind.PSYCH,
            capacity=30,
            starts_on=date(today.year, 1, 1),
        )
        Project.objects.create(
            organisation=charity,
            area_code=county,
            area_prefix=area_prefix(county),
            name="金秋助学",
            kind=NeedKind.EDUCATION,
            capacity=100,
            starts_on=date(today.year, 1, 1),
        )

        clerk = User.objects.filter(username="clerk").first() or approver
        households = list(Household.objects.filter(area_code__startswith=village).order_by("pk")[:4])
        households += list(
            Household.objects.filter(area_code__startswith=township[:9])
            .exclude(area_code__startswith=village)
            .order_by("pk")[: 8 - len(households)]
        )
        needs = 0
        plans = [
            (NeedKind.MEDICAL, "住院自付费用较高，医保和临时救助后仍有缺口", Decimal(8000), "元", "closed"),
            (NeedKind.EDUCATION, "孩子考上大学，学费和路费有困难", Decimal(6000), "元", "open"),
            (NeedKind.LIVING, "独居老人冬季缺少棉被和口粮", Decimal(2), "份", "referred"),
            (NeedKind.PSYCH, "父母外出务工，孩子情绪低落需要陪伴", Decimal(1), "户", "open"),
        ]
        for household, (kind, text, quantity, unit, stage) in zip(households, plans, strict=False):
            recorder = minsheng if household.area_code.startswith(village) else clerk
            need = lists.record_need(
                user=recorder,
                household=household,
                kind=kind,
                description=text,
                quantity=quantity,
                unit=unit,
                source=Need.Source.VISIT,
                consent_on=today - timedelta(days=20),
                consent_note="户主签字同意",
            )
            needs += 1
            if stage == "open":
                continue
            offer = lists.proposals(need)[0]
            referral = lists.refer(
                need,
                user=recorder,
                organisation=offer.organisation,
                resource=None if offer.is_project else offer.offer,
                project=offer.offer if offer.is_project else None,
                score=offer.score,
            )
            if stage == "closed":
                lists.accept(referral, user=jigou or approver)
                lists.report_help(
                    referral,
                    user=jigou or approver,
                    report="资助医疗费用",
                    value=quantity,
                    helped_on=today - timedelta(days=5),
                    used=quantity if referral.resource_id == funds.pk else None,
                )
                lists.confirm(
                    need, user=recorder, confirmation="户主已收到资助并签字确认", on_date=today - timedelta(days=2)
                )

        from monitoring.models import Warning

        warning = (
            Warning.objects.filter(area_code__startswith=township[:9], stage__in=Warning.OPEN_STAGES)
            .order_by("pk")
            .first()
        )
        if warning is not None:
            lists.record_need(
                user=clerk,
                household=warning.household,
                kind=NeedKind.MEDICAL,
                description=f"监测预警（{warning.get_signal_display()}）走访发现：自付费用负担重，公共救助后仍有缺口",
                quantity=Decimal(3000),
                unit="元",
                source=Need.Source.WARNING,
                warning=warning,
                consent_on=today - timedelta(days=3),
                consent_note="户主口头同意，村干部见证",
            )
            needs += 1

        if shegong and households:
            for index, household in enumerate(households[:5]):
                stations.record_service(
                    user=shegong,
                    household=household,
                    service_type=list(ServiceType.values)[index % 3],
                    served_on=today - timedelta(days=3 + index * 4),
                    minutes=60 + 15 * index,
                    note=["上门照料，协助打扫和采购", "陪伴聊天，了解近况", "情绪疏导，联系学校老师"][index % 3],
                )

        finance = DisclosureItem.objects.filter(code="finance").first()
        assistance = DisclosureItem.objects.filter(code="assistance").first()
        if finance:
            for back in (1, 2, 4):  # the third month back is missing, shown on the compliance view
                start = month_start(add_months(today, -back))
                affairs.publish(
                    user=minsheng,
                    village_code=village,
                    item=finance,
                    period_day=start,
                    title=f"{start:%Y年%m月}村级财务收支公开",
                    body="本月收入12,600元，支出9,850元。经手人：谢春花，电话13807390001。",
                    published_on=start + timedelta(days=33),
                )
        if assistance:
            affairs.publish(
                user=minsheng,
                village_code=village,
                item=assistance,
                period_day=month_start(add_months(today, -3)),
                title="本季度低保、特困人员名单公示",
                body="低保12户28人，特困3人，月发放金额合计15,620元。",
                published_on=today - timedelta(days=60),
            )
        check = governance.check_for(village, today.year)
        values = {
            c.pk: (Decimal(90), "查阅会议记录和选举档案")
            for c in GovernanceCriterion.objects.filter(source=GovernanceCriterion.Source.ENTERED)
        }
        governance.enter_scores(check, user=approver, values=values)
    return {"organisations": 4, "needs": needs}
