"""Demo children's welfare (make run): the village 儿童主任 杨桂兰 (ertong) looks after five children of
her village, one of whom has not been visited in time, and a mandatory report runs its clock at the
township. Idempotent: a second run adds nothing."""

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import User
from areas.jurisdiction import scope_for_user, system_scope, within
from children import services
from children.models import ChildRecord, MandatoryReport
from registry.models import Person

# category, risk, recorded days ago, visited days ago (None: never), carer, guardians (relation, situation)
DEMO_CHILDREN = [
    ("guardianship", "high", 20, None, "祖母", [("father", "prison"), ("mother", "missing")]),
    ("left_behind", "low", 40, 5, "祖父母", [("father", "migrant"), ("mother", "migrant")]),
    ("poverty", "medium", 60, 10, "母亲", [("father", "dead"), ("mother", "serious_illness")]),
    ("disability", "medium", 30, 3, "父母", [("father", "normal"), ("mother", "normal")]),
    ("left_behind", "low", 25, None, "外祖母", [("father", "migrant"), ("mother", "severe_disability")]),
]
NAMES = {"father": "父亲", "mother": "母亲"}


def load_children_demo() -> dict[str, int]:
    with system_scope():
        director = User.objects.filter(username="ertong").select_related("unit").first()
        if director is None or not director.unit_id:
            return {"children": 0, "reports": 0}
        if ChildRecord.unscoped.filter(director=director).exists():
            return {"children": 0, "reports": 0}
        today = timezone.localdate()
        youngest = date(today.year - services.adult_age(director.unit.area_code, today), today.month, 1)
        children = list(
            Person.objects.filter(
                area_code__startswith=director.unit.area_code,
                birth_date__gt=youngest,
                life_status=Person.LifeStatus.ALIVE,
            ).order_by("pk")[: len(DEMO_CHILDREN)]
        )
    made = 0
    with within(scope_for_user(director)):
        for person, (category, risk, recorded, visited, carer, guardians) in zip(children, DEMO_CHILDREN, strict=False):
            child = services.record_child(
                person=person,
                category=category,
                risk=risk,
                director=director,
                on_date=today - timedelta(days=recorded),
                user=director,
                carer=carer,
                school="在村小学就读" if services.age_on(person, today) >= 6 else "学龄前",
            )
            for relation, situation in guardians:
                services.add_guardian(
                    child, name=f"{person.name[0]}{NAMES[relation]}", relation=relation, situation=situation
                )
            if visited is not None:
                services.record_visit(
                    child,
                    visitor=director,
                    visited_on=today - timedelta(days=visited),
                    risk_after=risk,
                    living="吃住正常，照料人在家",
                    schooling="按时上学",
                )
            made += 1
        reports = 0
        if children and not MandatoryReport.unscoped.exists():
            first = ChildRecord.objects.filter(director=director).order_by("pk").first()
            services.file_report(
                reporter=director,
                child=first,
                kind="neglect",
                discovered_at=timezone.now() - timedelta(hours=3),
                place="村部附近",
                description="孩子连续两天独自在家，没有饭吃，祖母住院",
                measures="已送到邻居家临时照看",
            )
            reports = 1
    return {"children": made, "reports": reports}
