"""Demo deaths and funerals (make run): the county's funeral home and cemetery, last month's cremation
list (two 低保 recipients by ID number, one by name and birth date to confirm, one not a resident), the
police file confirming one of them, the funeral services with a waiver and an eco burial, and the monthly
service lists of the funeral home (one more death) and the cemetery (a lawn burial).
Idempotent: a second run adds nothing."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from areas.jurisdiction import scope_for_user, system_scope, within
from core.months import add_months, month_start
from funerals import services
from funerals.importing import read_death_file
from funerals.models import Death, DeathFile
from funerals.service_lists import import_service_list, read_service_list
from ledger.models import Enrolment
from policy.programmes import Programme
from registry.models import Organisation, Person

MARK = "演示-殡仪馆火化名单.csv"


def _org(kind, name, credit_code, county):
    org = Organisation.unscoped.filter(kind=kind, name=name).first()
    return org or Organisation.objects.create(
        kind=kind, name=name, credit_code=credit_code, area_code=county, address="新邵县酿溪镇", phone="0739-3600000"
    )


def _csv(rows) -> bytes:
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode("utf-8")


def load_funerals_demo() -> dict[str, int]:
    with system_scope():
        user = User.objects.filter(username="approver").first()
        if user is None or not user.area_code:
            return {"files": 0, "deaths": 0, "services": 0}
        county = user.area_code
        home = _org(Organisation.Kind.FUNERAL_HOME, "新邵县殡仪馆", "12430522MB1C00001X", county)
        cemetery = _org(Organisation.Kind.CEMETERY, "新邵县福寿园公墓", "52430522MJ0000002K", county)
        if DeathFile.unscoped.filter(filename=MARK).exists():
            return {"files": 0, "deaths": 0, "services": 0}
        recipients = list(
            Person.unscoped.filter(
                life_status=Person.LifeStatus.ALIVE,
                area_code__startswith=county[:6],
                birth_date__lt=timezone.localdate().replace(year=timezone.localdate().year - 70),
            )
            .filter(Q(pk__in=Enrolment.unscoped.filter(programme=Programme.DIBAO).values("household__head_id")))
            .order_by("pk")[:4]
        )
    if len(recipients) < 3:
        return {"files": 0, "deaths": 0, "services": 0}
    month = month_start(add_months(timezone.localdate(), -1))
    first, second, third = recipients[:3]
    died = [month + timedelta(days=d) for d in (2, 6, 11)]
    cremations = [
        ["序号", "姓名", "身份证号", "出生日期", "死亡日期", "火化日期", "家属姓名"],
        [1, first.name, first.id_number, "", died[0], died[0] + timedelta(days=2), "刘建华"],
        [2, second.name, second.id_number, "", died[1], died[1] + timedelta(days=2), "王春梅"],
        [3, third.name, "", third.birth_date, died[2], died[2] + timedelta(days=3), "陈志"],
        [4, "赵外乡", "", "1948-02-03", died[2], died[2] + timedelta(days=1), ""],
    ]
    police = [["姓名", "公民身份号码", "死亡时间", "死亡地点"], [first.name, first.id_number, died[0], "家中"]]
    with within(scope_for_user(user)):
        files = 0
        for kind, rows, name, org in (
            (DeathFile.Kind.FUNERAL, cremations, MARK, home),
            (DeathFile.Kind.POLICE, police, "演示-公安死亡人员信息.csv", None),
        ):
            reading = read_death_file(_csv(rows), name)
            services.import_death_file(
                reading, kind=kind, month=month, filename=name, user=user, area_code=user.area_code, organisation=org
            )
            files += 1
        services.set_settlement_account(home, bank_name="新邵农商银行", bank_account="82010000012345678", user=user)
        made = 0
        for index, death in enumerate(Death.objects.filter(person__in=[first, second]).order_by("died_on")):
            eco = index == 1
            services.record_service(
                death,
                served_on=death.died_on + timedelta(days=2),
                charges={
                    "transport": Decimal("360"),
                    "storage": Decimal("150"),
                    "cremation": Decimal("580"),
                    "urn": Decimal("300"),
                    "farewell": Decimal("300"),
                },
                user=user,
                funeral_home=home,
                burial="tree" if eco else "",
                cemetery=cemetery if eco else None,
                buried_on=death.died_on + timedelta(days=5) if eco else None,
                family_name="王春梅" if eco else "",
                family_id_number="",
                family_bank_name="邮储银行" if eco else "",
                family_bank_account="6210985500000123" if eco else "",
            )
            made += 1
        made += _service_lists(user, home, cemetery, month, first, recipients[3:])
    return {"files": files, "deaths": Death.unscoped.count(), "services": made}


def _service_lists(user, home, cemetery, month, buried, more) -> int:
    """The monthly service lists: the funeral home's (one more resident, not yet known dead) and the
    cemetery's (the first deceased's lawn burial, reward to the family)."""
    made = 0
    if more:
        person = more[0]
        died = month + timedelta(days=15)
        rows = [
            [
                "序号",
                "逝者姓名",
                "身份证号",
                "死亡日期",
                "火化日期",
                "接运费",
                "存放费",
                "火化费",
                "骨灰盒费",
                "告别仪式费",
            ],
            [1, person.name, person.id_number, died, died + timedelta(days=2), 360, 150, 580, 300, 300],
        ]
        reading = read_service_list(_csv(rows), "演示-殡仪馆服务名单.csv", home.kind)
        import_service_list(
            reading,
            organisation=home,
            month=month,
            filename="演示-殡仪馆服务名单.csv",
            user=user,
            area_code=user.area_code,
        )
        made += 1
    death = Death.objects.get(person=buried)
    rows = [
        ["逝者姓名", "身份证号", "死亡日期", "安葬方式", "安葬日期", "家属姓名", "开户银行", "银行账号"],
        [
            buried.name,
            buried.id_number,
            death.died_on,
            "草坪葬",
            death.died_on + timedelta(days=6),
            "刘建华",
            "邮储银行",
            "6210985500000456",
        ],
    ]
    reading = read_service_list(_csv(rows), "演示-公墓安葬名单.csv", cemetery.kind)
    import_service_list(
        reading,
        organisation=cemetery,
        month=month,
        filename="演示-公墓安葬名单.csv",
        user=user,
        area_code=user.area_code,
    )
    return made
