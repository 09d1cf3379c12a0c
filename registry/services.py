"""Registry actions, named as the window clerk would say them."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from areas.codes import InvalidAreaCode, validate_code
from areas.models import Area
from core.errors import DomainError
from registry import hooks, idcard
from registry.errors import RegistryCode
from registry.hooks import DeathSource
from registry.models import Document, DocumentType, Household, Membership, Person
from registry.pinyin import pinyin_of
from registry.relations import Relation

ALLOWED_FILE_SIGNATURES = {
    b"%PDF": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG": "image/png",
}
MAX_DOCUMENT_BYTES = getattr(settings, "MINZHENG_MAX_DOCUMENT_BYTES", 10 * 1024 * 1024)


def _area(code: str) -> Area:
    try:
        validate_code(code)
    except InvalidAreaCode as exc:
        raise DomainError(RegistryCode.AREA_INVALID, str(exc)) from None
    area = Area.objects.filter(code=code, valid_to__isnull=True).first()
    if area is None:
        raise DomainError(RegistryCode.AREA_UNKNOWN, f"区划代码{code}不存在或已停用")
    return area


def find_registered(id_number: str) -> Person | None:
    """The person holding this ID anywhere in the county, whatever the caller's jurisdiction."""
    return Person.unscoped.filter(id_number=id_number).first()


def _duplicate_error(existing: Person, scope_allows: bool) -> DomainError:
    if scope_allows:
        where = Area.objects.filter(code=existing.area_code).values_list("full_name", flat=True).first() or ""
        return DomainError(
            RegistryCode.DUPLICATE_ID,
            f"身份证号已登记：{existing.name}（{where}），请在原记录上修改，不要重复登记",
            person_id=existing.pk,
        )
    return DomainError(RegistryCode.DUPLICATE_ID, "该身份证号已在其他辖区登记，请联系其常住地乡镇办理迁入")


def register_person(*, id_number: str, name: str, area_code: str, **fields) -> Person:
    """Enter a resident once. Sex and birth date come from the ID; a conflicting value is refused."""
    from areas.jurisdiction import current_scope

    try:
        info = idcard.parse(id_number)
    except idcard.InvalidIdNumber as exc:
        raise DomainError(RegistryCode(exc.code), exc.message) from None
    name = (name or "").strip()
    if not name:
        raise DomainError(RegistryCode.NAME_MISSING, "姓名不能为空")
    _area(area_code)
    if not current_scope().allows(area_code):
        raise DomainError(RegistryCode.AREA_OUTSIDE_JURISDICTION, "只能登记本辖区的居民")
    for field, derived, label in (("sex", info.sex, "性别"), ("birth_date", info.birth_date, "出生日期")):
        given = fields.pop(field, None)
        if given not in (None, "") and given != derived:
            raise DomainError(RegistryCode.ID_MISMATCH, f"{label}与身份证号不一致：身份证号显示为{derived}")
    existing = find_registered(info.number)
    if existing is not None:
        raise _duplicate_error(existing, current_scope().allows(existing.area_code))
    full, initials = pinyin_of(name)
    try:
        with transaction.atomic():
            return Person.objects.create(
                id_number=info.number,
                name=name,
                name_pinyin=full,
                name_initials=initials,
                sex=info.sex,
                birth_date=info.birth_date,
                area_code=area_code,
                hukou_area_code=fields.pop("hukou_area_code", "") or area_code,
                **fields,
            )
    except IntegrityError:  # registered by someone else a moment ago
        raise _duplicate_error(find_registered(info.number), True) from None


@transaction.atomic
def update_person(person: Person, *, user=None, **fields) -> Person:
    """Change a resident's details; the ID number and what derives from it cannot be edited here.
    Marking the resident dead goes through `register_death`, as on the person page."""
    for forbidden in ("id_number", "sex", "birth_date"):
        if forbidden in fields:
            raise DomainError(
                RegistryCode.ID_IMMUTABLE, "身份证号及由其得出的性别、出生日期不能修改，如确有错误请注销后重新登记"
            )
    if "name" in fields:
        fields["name_pinyin"], fields["name_initials"] = pinyin_of(fields["name"])
    dies = fields.get("life_status") == Person.LifeStatus.DECEASED and person.life_status != Person.LifeStatus.DECEASED
    if dies:
        fields.pop("life_status")
        died_on = fields.pop("death_date", None) or person.death_date
        if not died_on:
            raise DomainError(RegistryCode.DEATH_DATE_MISSING, "登记死亡须填写死亡日期")
    for field, value in fields.items():
        setattr(person, field, value)
    person.save()
    if dies:
        register_death(person, died_on=died_on, source=DeathSource.REGISTRY, user=user)
    return person


def set_deceased(person: Person, died_on: date) -> date:
    """The registry's own record of a death: life status and date, once. A date already on record
    stands (a later report of the same death changes nothing); returns the date on record."""
    if person.life_status == Person.LifeStatus.DECEASED and person.death_date:
        return person.death_date
    if died_on is None:
        raise DomainError(RegistryCode.DEATH_DATE_MISSING, "登记死亡须填写死亡日期")
    person.life_status, person.death_date = Person.LifeStatus.DECEASED, died_on
    person.save(update_fields=["life_status", "death_date"])
    return died_on


@transaction.atomic
def register_death(
    person: Person, *, died_on: date, source: str = DeathSource.REGISTRY, user=None, told=()
) -> list[str]:
    """登记死亡 (the person page, the person API, a death file, a verification sweep): the registry's
    record, then every death listener (registry.hooks; the ledger's `ledger.deaths.record_death` stops
    payment, holds roll lines and opens the household's review; the funerals line keeps the one 死亡信息
    with its source). `told`: listeners the caller has already told with more context (the sweep
    tells the ledger itself, with the review cases it opened for many deaths at once). Returns what
    the listeners did, as sentences for the clerk."""
    died_on = set_deceased(person, died_on)
    return hooks.death_recorded(person, died_on=died_on, source=source, user=user, told=told)


HOUSEHOLD_EDITABLE = {"address", "kind", "phone", "bank_name", "bank_account_name", "bank_account"}


def update_household(household: Household, **fields) -> Household:
    """Change a household's address, type, phone or bank details (members change by moving)."""
    unknown = set(fields) - HOUSEHOLD_EDITABLE
    if unknown:
        raise DomainError(RegistryCode.FIELD_NOT_EDITABLE, f"不能在此修改：{', '.join(sorted(unknown))}")
    if "address" in fields and not (fields["address"] or "").strip():
        raise DomainError(RegistryCode.ADDRESS_MISSING, "家庭住址不能为空")
    account = (fields.get("bank_account") or "").replace(" ", "")
    if account and not account.isdigit():
        raise DomainError(RegistryCode.BANK_ACCOUNT_FORMAT, "银行账号只能是数字")
    for field, value in fields.items():
        setattr(household, field, value.strip() if isinstance(value, str) else value)
    household.save()
    return household


def _next_household_number(area_code: str) -> str:
    village = area_code[:12]
    last = Household.unscoped.filter(number__startswith=village).aggregate(n=Max("number"))["n"]
    sequence = int(last[12:]) + 1 if last else 1
    return f"{village}{sequence:05d}"


@dataclass(frozen=True)
class NewMember:
    person: Person
    relation: str


@transaction.atomic
def register_household(
    *, head: Person, members: list[NewMember], address: str, area_code: str, on_date: date, **fields
) -> Household:
    """Form a household: the head plus members, each leaving any household they were in."""
    _area(area_code)
    if not address.strip():
        raise DomainError(RegistryCode.ADDRESS_MISSING, "家庭住址不能为空")
    household = Household.objects.create(
        number=_next_household_number(area_code), head=head, address=address.strip(), area_code=area_code, **fields
    )
    seen = {head.pk}
    _join(household, head, Relation.HEAD, on_date, "登记新户")
    for member in members:
        if member.person.pk in seen:
            raise DomainError(RegistryCode.MEMBER_TWICE, f"{member.person.name}在成员中重复出现")
        if member.relation == Relation.HEAD:
            raise DomainError(RegistryCode.TWO_HEADS, "一户只能有一个户主")
        seen.add(member.person.pk)
        _join(household, member.person, member.relation, on_date, "登记新户")
    return household


def _join(household: Household, person: Person, relation: str, on_date: date, reason: str) -> Membership:
    current = Membership.unscoped.filter(person=person, end_date__isnull=True).first()
    if current is not None:
        current.end_date = on_date
        current.end_reason = reason
        current.save()
        if current.household.head_id == person.pk and current.household_id != household.pk:
            Household.unscoped.filter(pk=current.household_id).update(head=None)
    return Membership.objects.create(
        household=household, person=person, relation=relation, start_date=on_date, area_code=household.area_code
    )


@transaction.atomic
def move_person(person: Person, *, to: Household, relation: str, on_date: date, reason: str = "迁入") -> Membership:
    """Move a resident into another household; the old membership is closed, not deleted."""
    if relation == Relation.HEAD and to.head_id and to.head_id != person.pk:
        raise DomainError(RegistryCode.TWO_HEADS, "该户已有户主，请先变更户主")
    membership = _join(to, person, relation, on_date, reason)
    if relation == Relation.HEAD:
        to.head = person
        to.save()
    return membership


@transaction.atomic
def split_household(
    household: Household, *, new_head: Person, members: list[NewMember], address: str, on_date: date
) -> Household:
    """分户: some members leave to form a new household."""
    current = set(household.current_memberships().values_list("person_id", flat=True))
    for person in [new_head, *[m.person for m in members]]:
        if person.pk not in current:
            raise DomainError(RegistryCode.NOT_A_MEMBER, f"{person.name}不是本户成员，不能分户")
    return register_household(
        head=new_head,
        members=members,
        address=address,
        area_code=household.area_code,
        on_date=on_date,
        kind=household.kind,
    )


@transaction.atomic
def merge_households(source: Household, *, into: Household, on_date: date) -> Household:
    """并户: every member of `source` joins `into` (the head becomes 其他亲属 unless told); source closes."""
    if source.pk == into.pk:
        raise DomainError(RegistryCode.MERGE_SELF, "不能与本户合并")
    for membership in list(source.current_memberships()):
        relation = membership.relation if membership.relation != Relation.HEAD else Relation.OTHER_RELATIVE
        _join(into, membership.person, relation, on_date, f"并入{into.number}")
    source.is_active = False
    source.head = None
    source.save()
    return into


def _sniff_content_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for signature, content_type in ALLOWED_FILE_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


@transaction.atomic
def attach_document(
    *,
    doc_type: DocumentType,
    person: Person | None = None,
    household: Household | None = None,
    upload: UploadedFile | None = None,
    uploaded_by=None,
    **fields,
) -> Document:
    """Put a document into the library once; an older one of the same type is superseded."""
    if (person is None) == (household is None):
        raise DomainError(RegistryCode.HOLDER, "材料必须属于一个人或一户")
    if doc_type.holder == DocumentType.Holder.PERSON and person is None:
        raise DomainError(RegistryCode.HOLDER, f"{doc_type.name}应登记在个人名下")
    content_type, size = "", 0
    if upload is not None:
        if upload.size > MAX_DOCUMENT_BYTES:
            raise DomainError(RegistryCode.FILE_TOO_LARGE, f"文件过大：不能超过{MAX_DOCUMENT_BYTES // 1024 // 1024}MB")
        content_type = _sniff_content_type(upload)
        if content_type is None:
            raise DomainError(RegistryCode.FILE_TYPE, "只接受PDF、JPG、PNG格式的文件")
        size = upload.size
    valid_from, valid_until = fields.get("valid_from"), fields.get("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        raise DomainError(RegistryCode.VALIDITY, "有效期截止日期早于起始日期")
    holder = person or household
    for older in Document.objects.filter(doc_type=doc_type, person=person, household=household, is_current=True):
        older.is_current = False
        older.save(update_fields=["is_current"])  # audited: the replacement is on record
    document = Document(
        doc_type=doc_type,
        person=person,
        household=household,
        area_code=holder.area_code,
        content_type=content_type,
        size=size,
        uploaded_by=uploaded_by,
        **fields,
    )
    if upload is not None:
        document.file.save(upload.name, upload, save=False)
    document.save()
    return document


@dataclass(frozen=True)
class MissingDocument:
    doc_type: DocumentType
    holder_name: str
    problem: str  # "missing" or "expired"

    @property
    def text(self) -> str:
        what = "缺少" if self.problem == "missing" else "已过期"
        return f"{self.holder_name}：{self.doc_type.name}{what}"


def current_members(household_id: int) -> list[Person]:
    """The household's current members in household order (as `Household.current_memberships`)."""
    memberships = Membership.objects.filter(household_id=household_id, end_date__isnull=True)
    return [membership.person for membership in memberships.select_related("person").order_by("relation", "id")]


def library_documents(household_id: int, required: list[str], members: list[Person] | None = None) -> list[Document]:
    """The current documents of the required types held by the household or by its current members
    (`members` when the caller has read them, else read in the same statement). The types are picked
    in Python: a household holds a handful of documents."""
    wanted = set(required)
    if members is None:
        holders = Membership.objects.filter(household_id=household_id, end_date__isnull=True).values("person_id")
    else:
        holders = [person.pk for person in members]
    documents = Document.objects.filter(Q(household_id=household_id) | Q(person_id__in=holders), is_current=True)
    return [doc for doc in documents if doc.doc_type_id in wanted]


def missing_documents(
    household: Household,
    required: list[str],
    on_date: date,
    *,
    members: list[Person] | None = None,
    documents: list[Document] | None = None,
    types: list[DocumentType] | None = None,
) -> list[MissingDocument]:
    """Everything missing or expired for an application, all at once (一次性告知).

    `members` (`current_members`), `documents` (`library_documents`) and the required `types` when
    the caller has already read them."""
    if types is None:
        types = DocumentType.objects.filter(code__in=required)
    types = {t.code: t for t in types}
    if members is None:
        members = current_members(household.pk)
    if documents is None:
        documents = library_documents(household.pk, required)
    result: list[MissingDocument] = []
    for code in required:
        doc_type = types.get(code)
        if doc_type is None:
            continue
        holders = (
            [(None, household)] if doc_type.holder == DocumentType.Holder.HOUSEHOLD else [(p, None) for p in members]
        )
        for person, hh in holders:
            found = [
                d
                for d in documents
                if d.doc_type_id == code and (d.person_id == person.pk if person else d.household_id == hh.pk)
            ]
            name = person.name if person else f"{household.head.name if household.head_id else ''}户"
            if not found:
                result.append(MissingDocument(doc_type, name, "missing"))
            elif not any(d.is_valid_on(on_date) for d in found):
                result.append(MissingDocument(doc_type, name, "expired"))
    return result
