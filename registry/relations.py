"""Household relations (与户主关系), GB/T 4761-2008 codes (the ones used in practice)."""

from django.db import models


class Relation(models.TextChoices):
    HEAD = "02", "户主"
    SPOUSE = "10", "配偶"
    HUSBAND = "11", "夫"
    WIFE = "12", "妻"
    SON = "20", "子"
    DAUGHTER = "30", "女"
    SON_IN_LAW = "24", "女婿"
    DAUGHTER_IN_LAW = "28", "儿媳"
    GRANDCHILD = "40", "孙子女"
    GRANDSON = "41", "孙子"
    GRANDDAUGHTER = "43", "孙女"
    PARENT = "50", "父母"
    FATHER = "51", "父亲"
    MOTHER = "52", "母亲"
    PARENT_IN_LAW = "53", "公婆/岳父母"
    GRANDPARENT = "60", "祖父母"
    SIBLING = "70", "兄弟姐妹"
    OTHER_RELATIVE = "80", "其他亲属"
    NON_RELATIVE = "99", "非亲属"


# Labels clerks type in Excel ledgers, mapped to codes.
RELATION_BY_LABEL = {label: code for code, label in Relation.choices} | {
    "本人": Relation.HEAD,
    "户主本人": Relation.HEAD,
    "丈夫": Relation.HUSBAND,
    "妻子": Relation.WIFE,
    "儿子": Relation.SON,
    "长子": Relation.SON,
    "次子": Relation.SON,
    "女儿": Relation.DAUGHTER,
    "长女": Relation.DAUGHTER,
    "次女": Relation.DAUGHTER,
    "父亲": Relation.FATHER,
    "母亲": Relation.MOTHER,
    "孙子": Relation.GRANDSON,
    "孙女": Relation.GRANDDAUGHTER,
    "兄弟": Relation.SIBLING,
    "姐妹": Relation.SIBLING,
    "其他": Relation.OTHER_RELATIVE,
}
