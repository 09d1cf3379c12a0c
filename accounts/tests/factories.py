"""Factories for staff and units. Named people used across the suite (one per role and level: 民生员 of a village, township clerks, the county approver)."""

import factory

from accounts.models import Role, Unit, User
from areas.codes import level_of
from areas.models import Area

TEST_PASSWORD = "Minzheng@2026"


def ensure_area(code: str, name: str | None = None) -> Area:
    """An area row (with its ancestors) for tests that need a real tree."""
    parent = None
    level = level_of(code)
    parent_code = {
        "city": code[:2] + "0" * 10,
        "county": code[:4] + "0" * 8,
        "township": code[:6] + "0" * 6,
        "village": code[:9] + "000",
        "grid": code[:12],
    }.get(level)
    if parent_code:
        parent = ensure_area(parent_code)
    area, _ = Area.objects.get_or_create(
        code=code, defaults={"name": name or f"区划{code}", "level": level, "parent": parent}
    )
    return area


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Unit.Kind.TOWNSHIP_OFFICE
    area_code = "430522100000"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    full_name = factory.Sequence(lambda n: f"测试人员{n}")
    unit = factory.SubFactory(UnitFactory)
    must_change_password = False
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            # The roles are migration data; a transactional test's flush empties the table, so make them
            # again rather than give the person no role at all.
            self.roles.set([Role.objects.get_or_create(code=code)[0] for code in extracted])
        self.save()
