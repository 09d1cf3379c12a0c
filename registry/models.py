"""The registry (一库管理): residents, households, memberships and the document library.

Every row is area-owned: a person by their actual residence (常住, village or grid code), a
household by its address area. The household-registration area (户籍) is kept apart.
"""

import uuid
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import JSONObject, Right
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited
from registry.relations import Relation


class Person(Audited, AreaOwned):
    """One resident. One person, one row: the ID number is unique."""

    sensitive_fields = ("id_number", "phone")

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class MaritalStatus(models.TextChoices):
        UNMARRIED = "10", _("未婚")
        MARRIED = "20", _("已婚")
        WIDOWED = "30", _("丧偶")
        DIVORCED = "40", _("离婚")
        UNKNOWN = "90", _("未说明")

    class DisabilityType(models.TextChoices):
        NONE = "", _("无")
        VISUAL = "1", _("视力残疾")
        HEARING = "2", _("听力残疾")
        SPEECH = "3", _("言语残疾")
        PHYSICAL = "4", _("肢体残疾")
        INTELLECTUAL = "5", _("智力残疾")
        MENTAL = "6", _("精神残疾")
        MULTIPLE = "7", _("多重残疾")

    class LabourCapacity(models.TextChoices):
        FULL = "full", _("有劳动能力")
        PARTIAL = "partial", _("部分丧失劳动能力")
        NONE = "none", _("无劳动能力")

    class Employment(models.TextChoices):
        EMPLOYED = "employed", _("就业")
        FARMING = "farming", _("务农")
        MIGRANT = "migrant", _("外出务工")
        UNEMPLOYED = "unemployed", _("失业")
        STUDENT = "student", _("在校学生")
        RETIRED = "retired", _("退休")
        NOT_APPLICABLE = "na", _("不适用")

    class Education(models.TextChoices):
        NONE = "none", _("未上学")
        PRIMARY = "primary", _("小学")
        JUNIOR = "junior", _("初中")
        SENIOR = "senior", _("高中/中专")
        COLLEGE = "college", _("大专")
        BACHELOR = "bachelor", _("本科")
        POSTGRADUATE = "postgraduate", _("研究生")

    class LifeStatus(models.TextChoices):
        ALIVE = "alive", _("健在")
        DECEASED = "deceased", _("死亡")
        MOVED_OUT = "moved_out", _("迁出")

    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    name = models.CharField(_("姓名"), max_length=50)  # indexed with area_code in Meta
    name_pinyin = models.CharField(_("姓名全拼"), max_length=200, blank=True, editable=False)
    name_initials = models.CharField(_("姓名首字母"), max_length=50, blank=True, editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)  # indexed by its last 4 digits in Meta
    hukou_area_code = models.CharField(_("户籍地区划"), max_length=15, blank=True)
    marital_status = models.CharField(
        _("婚姻状况"), max_length=2, choices=MaritalStatus.choices, default=MaritalStatus.UNKNOWN
    )
    disability_type = models.CharField(_("残疾类别"), max_length=1, choices=DisabilityType.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField(
        _("残疾等级"), null=True, blank=True, choices=[(g, f"{g}级") for g in range(1, 5)]
    )
    disability_certificate = models.CharField(_("残疾证号"), max_length=30, blank=True)
    serious_illness = models.CharField(_("重大疾病"), max_length=100, blank=True, help_text=_("无则留空"))
    labour_capacity = models.CharField(
        _("劳动能力"), max_length=10, choices=LabourCapacity.choices, default=LabourCapacity.FULL
    )
    employment = models.CharField(_("就业状况"), max_length=12, choices=Employment.choices, blank=True)
    education = models.CharField(_("文化程度"), max_length=12, choices=Education.choices, blank=True)
    life_status = models.CharField(_("生存状态"), max_length=10, choices=LifeStatus.choices, default=LifeStatus.ALIVE)
    death_date = models.DateField(_("死亡日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["area_code", "name"]
        indexes = [
            # Search (registry/search.py, docs/decisions/0006): each index carries the area code and id
            # after what is searched, so the jurisdiction range and the result order come out of the
            # index itself (an index-only scan that stops at LIMIT) and the planner never prefers to
            # walk the area_code index filtering every row.
            models.Index(fields=["name", "area_code", "id"], name="person_name_area_idx"),
            models.Index(fields=["name_initials", "area_code", "id"], name="person_initials_area_idx"),
            models.Index(fields=["name_pinyin", "area_code", "id"], name="person_pinyin_area_idx"),
            models.Index(Right("id_number", 6), "area_code", "id", name="person_id_tail6_area_idx"),
            models.Index(Right("id_number", 4), "area_code", "id", name="person_id_tail4_area_idx"),
            # Serves the full number too (right(phone, 4) = its tail AND phone = it): one index, not two.
            models.Index(Right("phone", 4), "phone", "area_code", "id", name="person_phone_tail_idx"),
            # The list's order: a county leader's first page is read from here and stops at LIMIT.
            models.Index(fields=["area_code", "name", "id"], name="person_list_order_idx"),
            # The dead (about one resident in a hundred): a roll's death check and the finders of children
            # whose parents died read them here, not by a pass over every resident.
            models.Index(
                fields=["id", "death_date"], condition=models.Q(death_date__isnull=False), name="person_dead_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(life_status="deceased", death_date__isnull=False) | ~Q(life_status="deceased"),
                name="person_deceased_has_death_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def is_alive(self) -> bool:
        return self.life_status == self.LifeStatus.ALIVE

    def current_membership(self) -> "Membership | None":
        return self.memberships.filter(end_date__isnull=True).select_related("household").first()

    @property
    def current_household(self) -> "CurrentHousehold | None":
        """Read with the person where the query was `with_current_household`, else looked up now."""
        if hasattr(self, "current_household_data"):
            data = self.current_household_data
            return CurrentHousehold(**data) if data else None
        membership = self.current_membership()
        if membership is None:
            return None
        return CurrentHousehold(membership.household_id, membership.household.number, membership.relation)


class Household(Audited, AreaOwned):
    """A household (家庭户) at an address; members come and go through Membership rows."""

    sensitive_fields = ("bank_account", "address", "phone")

    class Kind(models.TextChoices):
        URBAN = "urban", _("城镇")
        RURAL = "rural", _("农村")

    number = models.CharField(_("户编号"), max_length=30, unique=True)
    head = models.ForeignKey(
        Person,
        verbose_name=_("户主"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="headed_households",
    )
    kind = models.CharField(_("城乡类别"), max_length=5, choices=Kind.choices, default=Kind.RURAL)
    address = models.CharField(_("家庭住址"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=50, blank=True)
    bank_account_name = models.CharField(_("银行账户名称"), max_length=50, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=32, blank=True)
    is_active = models.BooleanField(_("有效"), default=True, help_text=_("合并或撤销后的户为无效"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("家庭户")
        verbose_name_plural = _("家庭户")
        ordering = ["area_code", "number"]
        # The list's order: a county leader's first page is read from here and stops at LIMIT.
        indexes = [models.Index(fields=["area_code", "number"], name="household_list_order_idx")]

    def __str__(self) -> str:
        return f"{self.head.name if self.head_id else ''}户（{self.number}）"

    def current_memberships(self) -> models.QuerySet["Membership"]:
        return self.memberships.filter(end_date__isnull=True).select_related("person").order_by("relation", "id")


class Membership(Audited, AreaOwned):
    """A person belonging to a household for a period; history is kept by closing, not deleting."""

    household = models.ForeignKey(
        Household, verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(Person, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField(_("与户主关系"), max_length=2, choices=Relation.choices)
    start_date = models.DateField(_("入户日期"))
    end_date = models.DateField(_("离户日期"), null=True, blank=True)
    end_reason = models.CharField(_("离户原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household", "relation", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="one_current_household_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_relation_display()}"


class Organisation(Audited, AreaOwned):
    """An organisation the bureau deals with (机构): social organisations it registers (社会团体, 社会服务机构,
    基金会), charities, service providers, care homes, funeral homes and cemeteries, stations. One row per
    organisation, owned by the area it is registered in; what each line records about it (registration
    changes, beds, service lists) lives in that line's own tables."""

    class Kind(models.TextChoices):
        SOCIAL_GROUP = "social_group", _("社会团体")
        SOCIAL_SERVICE = "social_service", _("社会服务机构")
        FOUNDATION = "foundation", _("基金会")
        CHARITY = "charity", _("慈善组织")
        ELDERLY_INSTITUTION = "elderly_institution", _("养老机构")
        CARE_PROVIDER = "care_provider", _("居家养老服务组织")
        CHILD_WELFARE = "child_welfare", _("儿童福利机构")
        FUNERAL_HOME = "funeral_home", _("殡仪馆")
        CEMETERY = "cemetery", _("公墓")
        RESCUE_STATION = "rescue_station", _("救助管理站")
        SOCIAL_WORK_STATION = "social_work_station", _("社工站")
        OTHER = "other", _("其他单位")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        SUSPENDED = "suspended", _("停业整顿")
        DEREGISTERED = "deregistered", _("已注销")

    kind = models.CharField(_("机构类别"), max_length=30, choices=Kind.choices, db_index=True)
    name = models.CharField(_("机构名称"), max_length=100)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, help_text=_("18位；尚未取得的留空")
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=15, choices=Status.choices, default=Status.ACTIVE)
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["area_code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="organisation_credit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DocumentType(models.Model):
    """A kind of document in the library (证照类型). Reference data, edited by administrators."""

    class Holder(models.TextChoices):
        PERSON = "person", _("个人")
        HOUSEHOLD = "household", _("家庭")

    code = models.CharField(_("代码"), max_length=40, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    holder = models.CharField(_("归属"), max_length=10, choices=Holder.choices, default=Holder.PERSON)
    has_validity = models.BooleanField(_("有有效期"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


def document_upload_path(instance: "Document", filename: str) -> str:
    """Files are named by a random id, never by the person's name or ID number."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{instance.area_code[:6]}/{instance.doc_type_id}/{uuid.uuid4().hex}.{suffix}"


class Document(Audited, AreaOwned):
    """A document collected once (一次采集) and reused by every later application."""

    sensitive_fields = ("number",)

    doc_type = models.ForeignKey(DocumentType, verbose_name=_("证照类型"), on_delete=models.PROTECT)
    person = models.ForeignKey(
        Person, verbose_name=_("所属人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("所属家庭"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    number = models.CharField(_("证照编号"), max_length=60, blank=True)
    issued_by = models.CharField(_("发证机关"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to=document_upload_path, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=50, blank=True)
    size = models.PositiveIntegerField(_("文件大小"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_current = models.BooleanField(_("当前有效"), default=True, help_text=_("被新版本替换后为否"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("采集人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(_("采集时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证照材料")
        verbose_name_plural = _("证照材料")
        ordering = ["-uploaded_at"]
        # The list's order (newest first, read backwards): a county's first page stops at LIMIT.
        indexes = [models.Index(fields=["uploaded_at", "id"], name="document_list_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(household__isnull=False), name="document_has_holder"
            ),
        ]

    def __str__(self) -> str:
        # Never the number: it is often an ID number and this text reaches the audit log.
        return self.doc_type.name

    def is_valid_on(self, day: date) -> bool:
        if not self.is_current:
            return False
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


class CurrentHousehold(NamedTuple):
    """A person's current household as lists, exports and the API show it."""

    household_id: int
    number: str
    relation: str

    def get_relation_display(self) -> str:
        return Relation(self.relation).label


def with_current_household(persons: models.QuerySet) -> models.QuerySet:
    """The persons with their current household read in the same query (`person.current_household`):
    one subquery per row through the scoped `Membership.objects`, not a second round trip — for a
    search that is one of its three database calls (~1 ms of ~4 on PostgreSQL)."""
    current = Membership.objects.filter(person=OuterRef("pk"), end_date__isnull=True).order_by("id")
    fields = JSONObject(household_id="household_id", number="household__number", relation="relation")
    return persons.annotate(current_household_data=Subquery(current.values(data=fields)[:1]))


class PersonNameGram(models.Model):
    """Search index row: one 1–2 character piece of a person’s name (not at its start), with their area.

    Serves name fragments (2 characters included) on every database through one B-tree over
    (gram, area_code, person): the jurisdiction is a range on the second column. Kept in step by
    `registry.search.index_person` on save and by `registry.search.gram_rows` in bulk loads.
    """

    pk = models.CompositePrimaryKey("gram", "area_code", "person_id")
    gram = models.CharField(max_length=3)
    area_code = models.CharField(max_length=15)
    # No foreign key in the database: the table is derived from Person (rebuild_name_grams remakes
    # it), Django still deletes a person's grams with them, and a bulk import need not check
    # 700,000 references (docs/decisions/0010-registry-bulk-import.md).
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_constraint=False)

    class Meta:
        verbose_name = _("姓名检索片段")
        verbose_name_plural = _("姓名检索片段")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.gram}@{self.area_code}:{self.person_id}"


@receiver(post_save, sender=Person)
def _keep_name_grams(sender, instance: Person, created: bool, raw: bool = False, **kwargs) -> None:
    """Search index upkeep: a person's name pieces follow their name and area (registry/search.py)."""
    if raw:
        return
    from registry.search import index_person

    index_person(instance, created)


class ImportPreset(AreaOwned):
    """A unit's remembered column mapping for its own rosters (导入列对应方案): header → field.

    Saved from the mapping step of a roster import, offered again on the unit's next uploads. The
    mapping holds normalised header names (registry.importing.columns.normalise_header) → a field
    key, or "" for a column the clerk chose to ignore.
    """

    name = models.CharField(_("方案名称"), max_length=50)
    mapping = models.JSONField(_("列对应关系"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("导入列对应方案")
        verbose_name_plural = _("导入列对应方案")
        ordering = ["area_code", "-updated_at"]
        constraints = [models.UniqueConstraint(fields=["area_code", "name"], name="one_import_preset_name_per_unit")]

    def __str__(self) -> str:
        return self.name


def unidentified_photo_path(instance: "UnidentifiedPerson", filename: str) -> str:
    """Photos are named by a random id, never by a description."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"unidentified/{instance.area_code[:6]}/{uuid.uuid4().hex}.{suffix}"


class UnidentifiedPerson(Audited, AreaOwned):
    """A person not yet identified (身份不明人员): no ID number, only a photo, a description, features and
    where and when they were found. Once identified, `identified_as` names the registry's person; the
    row stays (with what was recorded before) so the history of both is kept, and every line that
    referred to it learns the person through `registry.hooks` (identified listeners)."""

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")
        UNKNOWN = "", _("不详")

    number = models.CharField(_("编号"), max_length=30, unique=True)
    label = models.CharField(_("临时称谓"), max_length=50, help_text=_("如：无名氏（男，约60岁）"))
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    estimated_age = models.PositiveSmallIntegerField(_("估计年龄"), null=True, blank=True)
    name_given = models.CharField(_("自述姓名"), max_length=50, blank=True, help_text=_("本人自述或他人提供，未经核实"))
    description = models.TextField(_("情况描述"), blank=True)
    features = models.CharField(
        _("体貌特征"), max_length=300, blank=True, help_text=_("身高、体型、口音、衣着、疤痕等")
    )
    photo = models.FileField(_("照片"), upload_to=unidentified_photo_path, blank=True)
    found_place = models.CharField(_("发现地点"), max_length=200)
    found_on = models.DateField(_("发现日期"))
    found_by = models.CharField(_("发现人或送交单位"), max_length=100, blank=True)
    identified_as = models.ForeignKey(
        Person, verbose_name=_("确认身份为"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    identified_on = models.DateField(_("确认身份日期"), null=True, blank=True)
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    identified_how = models.CharField(_("确认依据"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("身份不明人员")
        verbose_name_plural = _("身份不明人员")
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["identified_as"], name="unidentified_identified_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.label}"

    @property
    def is_identified(self) -> bool:
        return self.identified_as_id is not None
