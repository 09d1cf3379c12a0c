"""`Audited`: the mixin that puts every create/update/delete of a model into the audit log."""

from django.db import models


class Audited(models.Model):
    """Changes to rows of this model are logged with their fields old → new.

    `sensitive_fields` are logged masked; `audit_exclude` are not logged at all.
    Bulk operations (bulk_create, COPY) bypass this: their service writes one summary entry. A row
    changed by an UPDATE without save() is logged by `audit.services.update_logged`, which runs it.
    """

    sensitive_fields: tuple[str, ...] = ()
    audit_exclude: tuple[str, ...] = ("updated_at",)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_snapshot = instance.audit_values()
        return instance

    def audit_values(self) -> dict:
        loaded = self.__dict__
        return {
            field.attname: loaded[field.attname]
            for field in self._meta.concrete_fields
            if field.attname in loaded and field.name not in self.audit_exclude
        }
