"""The audit log read as sentences (操作日志的可读说明): who did what to which record, which fields
changed, old → new, in the fields' Chinese labels and the choices' Chinese names.

The log stores what was written (field names and plain values, ADR 0004); this module only reads
it. Models are found by their label through the app registry, so the audit layer imports no app
above it; a model that no longer exists still reads, with the stored names.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from audit.context import SYSTEM_ACTOR
from audit.models import AuditEntry

Action = AuditEntry.Action

VERBS = {
    Action.CREATE: "新增了",
    Action.UPDATE: "修改了",
    Action.DELETE: "删除了",
    Action.VIEW_PERSONAL_DATA: "查看了",
    Action.EXPORT: "导出了",
    Action.IMPORT: "导入了",
    Action.LOGIN: "登录了系统",
    Action.LOGIN_FAILED: "登录失败",
    Action.LOGOUT: "退出了系统",
}
BOOLEANS = {"True": "是", "False": "否"}
MASKED_FIELDS = {
    "id_number": "身份证号",
    "bank_account": "银行账号",
    "phone": "手机号",
    "address": "地址",
    "name": "姓名",
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Sentence:
    when: str
    who: str
    what: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""

    @property
    def text(self) -> str:
        parts = [f"{self.when} {self.who}{self.what}"]
        if self.changes:
            parts.append(
                "："
                + "；".join(
                    f"{c.label}由“{c.old}”改为“{c.new}”" if c.old else f"{c.label}为“{c.new}”" for c in self.changes
                )
            )
        if self.note:
            parts.append(f"（{self.note}）")
        return "".join(parts)


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model else (object_type or "")


def _field_by_attname(model, name: str):
    for f in model._meta.concrete_fields:
        if f.attname == name or f.name == name:
            return f
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class _Resolver:
    """Names of related rows (a unit's name for its id), looked up once per page."""

    def __init__(self, resolve_related: bool):
        self.resolve_related = resolve_related
        self.cache: dict[tuple[type, str], str] = {}

    def area(self, code: str) -> str:
        area_model = apps.get_model("areas", "Area")
        key = (area_model, code)
        if key not in self.cache:
            name = area_model._base_manager.filter(code=code).values_list("name", flat=True).first()
            self.cache[key] = f"{name}（{code}）" if name else code
        return self.cache[key]

    def related(self, model, value: str) -> str:
        if not self.resolve_related:
            return f"编号{value}"
        key = (model, value)
        if key not in self.cache:
            row = model._base_manager.filter(pk=value).first()
            self.cache[key] = str(row) if row is not None else f"编号{value}（已删除）"
        return self.cache[key]


def _value_text(model_field, value, resolver: _Resolver) -> str:
    if value is None or value == "":
        return "空"
    value = str(value)
    if model_field is None:
        return value
    if model_field.name == "area_code":
        return resolver.area(value)
    if isinstance(model_field, models.DateTimeField):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(moment) else value
    if model_field.is_relation and model_field.related_model is not None:
        return resolver.related(model_field.related_model, value)
    choices = dict((str(k), str(v)) for k, v in (model_field.flatchoices or []))
    if value in choices:
        return choices[value]
    if isinstance(model_field, models.BooleanField):
        return BOOLEANS.get(value, value)
    return value


def changes_of(entry: AuditEntry, resolver: _Resolver | None = None) -> list[Change]:
    """The entry's field changes with Chinese labels, old → new (a new row: its values, old left
    empty, and neither its own number nor empty fields)."""
    resolver = resolver or _Resolver(True)
    model = model_of(entry.object_type)
    created = entry.action == Action.CREATE
    result = []
    for name, values in (entry.changes or {}).items():
        if not (isinstance(values, list) and len(values) == 2):
            continue
        model_field = _field_by_attname(model, name) if model else None
        if created and (values[1] in (None, "") or (model_field is not None and model_field.primary_key)):
            continue
        label = str(model_field.verbose_name) if model_field is not None else name
        old, new = (_value_text(model_field, v, resolver) for v in values)
        result.append(Change(label, "" if created else old, new))
    return result


def sentence(
    entry: AuditEntry, *, full_names: dict[int, str] | None = None, resolver: _Resolver | None = None
) -> Sentence:
    """One entry as a sentence a person understands."""
    resolver = resolver or _Resolver(True)
    when = timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")
    name = (full_names or {}).get(entry.user_id_at_time) or entry.username or "系统"
    if entry.user_id_at_time is None and entry.username == SYSTEM_ACTOR.username:
        name = ""  # the platform's own work (the scheduler, the task worker): 「系统」 alone
    who = f"{entry.unit_name}{name}" if entry.unit_name else name or "系统"
    verb = VERBS.get(entry.action, entry.get_action_display())
    record = ""
    if entry.object_type or entry.object_repr:
        record = f"{type_label(entry.object_type)}「{entry.object_repr}」"
        if entry.object_id:
            record += f"（编号{entry.object_id}）"
    note = ""
    changes: list[Change] = []
    if entry.action == Action.VIEW_PERSONAL_DATA:
        fields = (entry.changes or {}).get("fields") or []
        labels = "、".join(MASKED_FIELDS.get(f, _label_of(entry.object_type, f)) for f in fields)
        what = f"{verb}{record}的完整{labels or '个人信息'}"
        note = (entry.changes or {}).get("reason", "")
    elif entry.action in (Action.LOGIN, Action.LOGIN_FAILED, Action.LOGOUT):
        what = verb
    else:
        what = f"{verb}{record}"
        changes = changes_of(entry, resolver)
        if entry.action == Action.EXPORT and (entry.changes or {}).get("filter"):
            note = "按条件筛选后导出"
    if entry.ip:
        note = f"{note}，IP {entry.ip}" if note else f"IP {entry.ip}"
    return Sentence(when=when, who=who, what=what, changes=changes, note=note)


def _label_of(object_type: str, name: str) -> str:
    model = model_of(object_type)
    model_field = _field_by_attname(model, name) if model else None
    return str(model_field.verbose_name) if model_field is not None else name


def sentences(entries, *, resolve_related: bool = True) -> list[Sentence]:
    """Sentences for a page of entries: staff names and related rows looked up once each."""
    entries = list(entries)
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    ids = {e.user_id_at_time for e in entries if e.user_id_at_time}
    full_names = dict(user_model._base_manager.filter(pk__in=ids).exclude(full_name="").values_list("pk", "full_name"))
    resolver = _Resolver(resolve_related)
    return [sentence(e, full_names=full_names, resolver=resolver) for e in entries]


def object_type_choices() -> list[tuple[str, str]]:
    """The platform's own models, by Chinese name, for the log's filter."""
    choices = []
    for model in apps.get_models():
        if model.__module__.startswith("django"):
            continue
        label = str(model._meta.verbose_name)
        if label.isascii():
            continue
        choices.append((model._meta.label_lower, label))
    return sorted(choices, key=lambda c: c[1])
