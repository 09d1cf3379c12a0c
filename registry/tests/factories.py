"""Factories for residents and households with valid ID numbers."""

import itertools
from datetime import date

import factory

from registry.idcard import make_id_number
from registry.models import Household, Membership, Organisation, Person
from registry.pinyin import pinyin_of
from registry.relations import Relation

_sequence = itertools.count(1)


def new_id_number(birth: date = date(1980, 5, 17), male: bool = True, area6: str = "430522") -> str:
    return make_id_number(area6, birth, next(_sequence) % 500, male)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Iterator(["张三", "李四", "王芳", "刘洋", "陈静", "杨帆", "赵敏", "黄磊"])
    birth_date = date(1980, 5, 17)
    sex = "M"
    id_number = factory.LazyAttribute(lambda o: new_id_number(o.birth_date, o.sex == "M", o.area_code[:6]))
    area_code = "430522100201"
    hukou_area_code = factory.LazyAttribute(lambda o: o.area_code)
    name_pinyin = factory.LazyAttribute(lambda o: pinyin_of(o.name)[0])
    name_initials = factory.LazyAttribute(lambda o: pinyin_of(o.name)[1])


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"430522100201{n:05d}")
    area_code = "430522100201"
    address = factory.Sequence(lambda n: f"新邵县酿溪镇城西社区{n}号")
    head = factory.SubFactory(PersonFactory, area_code=factory.SelfAttribute("..area_code"))

    @factory.post_generation
    def head_membership(self, create, extracted, **kwargs):
        if create and self.head_id:
            Membership.objects.create(
                household=self,
                person=self.head,
                relation=Relation.HEAD,
                start_date=date(2020, 1, 1),
                area_code=self.area_code,
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.CHARITY
    name = factory.Sequence(lambda n: f"新邵县第{n}慈善会")
    area_code = "430522100201"
