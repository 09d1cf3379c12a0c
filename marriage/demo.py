"""Demo marriage register for 新邵县 (make run): couples from several provinces registered over the
past two years, two local couples from the registry, a divorce in its cooling-off, one waiting for
both parties to appear, one registered, one withdrawn, and a few agencies' queries.
Idempotent: nothing is added once the register has entries."""

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import User
from areas.jurisdiction import scope_for_user, within
from marriage import services
from marriage.models import MarriageRecord
from registry.idcard import make_id_number
from registry.models import Person

# (man, his area, born; woman, her area, born; days ago registered)
COUPLES = [
    ("王磊", "440106", date(1994, 3, 12), "刘婷", "510104", date(1996, 7, 2), 760),
    ("陈浩", "430522", date(1992, 11, 5), "周敏", "420102", date(1995, 1, 20), 700),
    ("李强", "330106", date(1990, 6, 18), "赵雪", "430522", date(1993, 9, 9), 650),
    ("张伟", "430503", date(1997, 2, 28), "黄丽", "450103", date(1998, 4, 16), 300),
    ("吴杰", "350203", date(1991, 8, 8), "孙颖", "430522", date(1994, 12, 1), 120),
    ("郑凯", "430522", date(1998, 5, 5), "何静", "440305", date(2000, 10, 10), 45),
    ("冯涛", "610113", date(1995, 9, 30), "曾琳", "430522", date(1997, 3, 3), 12),
]


def _party(name: str, area6: str, born: date, male: bool, n: int) -> services.PartyInput:
    return services.PartyInput(
        id_number=make_id_number(area6, born, 400 + n, male),
        name=name,
        phone=f"139{n:08d}",
        declared_no_spouse=True,
        declared_no_kinship=True,
        declared_voluntary=True,
    )


def _local_pairs(today: date, count: int) -> list[tuple[Person, Person]]:
    """Unmarried residents of the demo county old enough to marry, paired man and woman."""
    people = Person.objects.filter(marital_status=Person.MaritalStatus.UNMARRIED, life_status=Person.LifeStatus.ALIVE)
    men = list(people.filter(sex="M", birth_date__range=(date(1988, 1, 1), date(2000, 1, 1))).order_by("pk")[:count])
    women = list(people.filter(sex="F", birth_date__range=(date(1990, 1, 1), date(2002, 1, 1))).order_by("pk")[:count])
    return list(zip(men, women, strict=False))


def load_marriage_demo() -> dict[str, int]:
    registrar = User.objects.filter(username="registrar").select_related("unit").first()
    if registrar is None or not registrar.unit_id:
        return {"marriages": 0, "divorces": 0}
    today = timezone.localdate()
    with within(scope_for_user(registrar)):
        if MarriageRecord.objects.exists():
            return {"marriages": 0, "divorces": 0}
        records = []
        for n, (man, man_area, man_born, woman, woman_area, woman_born, ago) in enumerate(COUPLES):
            first = _party(man, man_area, man_born, True, n * 2)
            second = _party(woman, woman_area, woman_born, False, n * 2 + 1)
            result = services.register_marriage(
                user=registrar, first=first, second=second, on_date=today - timedelta(days=ago)
            )
            if result.record is not None:
                records.append(result.record)
        for n, (man, woman) in enumerate(_local_pairs(today, 2)):
            first, second = (
                services.PartyInput(
                    id_number=p.id_number,
                    name=p.name,
                    declared_no_spouse=True,
                    declared_no_kinship=True,
                    declared_voluntary=True,
                )
                for p in (man, woman)
            )
            result = services.register_marriage(
                user=registrar, first=first, second=second, on_date=today - timedelta(days=200 + 30 * n)
            )
            if result.record is not None:
                records.append(result.record)
        divorces = 0
        plans = [(0, 10, None), (1, 45, None), (2, 75, 40), (3, 20, "withdraw")]  # (record, applied days ago, then)
        for index, applied, then in plans:
            if index >= len(records):
                continue
            _decision, application = services.apply_divorce(
                user=registrar,
                marriage=records[index],
                on_date=today - timedelta(days=applied),
                agreement="无共同子女；共同存款平分，各自名下车辆归各自所有",
                agreement_signed=True,
                both_present=True,
            )
            if application is None:
                continue
            divorces += 1
            if then == "withdraw":
                services.withdraw_divorce(
                    user=registrar,
                    application=application,
                    party="woman",
                    on_date=today - timedelta(days=5),
                    reason="双方和好",
                )
            elif isinstance(then, int):
                services.register_divorce(user=registrar, application=application, on_date=today - timedelta(days=then))
        services.close_lapsed_divorces(today)  # what the daily job would have done meanwhile
        for record, purpose in (
            (records[0], "（2026）湘0522民初88号 离婚纠纷案件调查"),
            (records[-1], "个人住房贷款审查（当事人书面授权）"),
        ):
            services.answer_query(user=registrar, id_number=record.woman_id_number, purpose=purpose, on_date=today)
    return {"marriages": len(records), "divorces": divorces}
