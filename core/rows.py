"""Model instances from a hand-written SELECT, for the few reads made on every request.

Building and compiling an ORM query costs ~0.4–0.7 ms of CPU here, several times the query itself;
the session's user is read on every request, so it is read with fixed SQL instead. The values go
through the same database converters the ORM applies (SQLite returns booleans as 0/1 and dates as
text), so the instances are the ones the ORM would have built.
"""

from django.db import models

_CONVERTERS: dict[tuple, tuple] = {}


def select_list(model: type[models.Model], alias: str) -> str:
    """`alias."col1", alias."col2", …` for every concrete field, in `instance()`'s order."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def _converters(model: type[models.Model], connection) -> tuple:
    key = (model, connection.vendor)
    if key not in _CONVERTERS:
        columns = [field.get_col(model._meta.db_table) for field in model._meta.concrete_fields]
        _CONVERTERS[key] = tuple(
            (column, (*connection.ops.get_db_converters(column), *column.get_db_converters(connection)))
            for column in columns
        )
    return _CONVERTERS[key]


def instance(model: type[models.Model], values, connection) -> models.Model:
    """The model instance for `values` in `select_list()` order, as loaded from the database."""
    converted = []
    for value, (column, converters) in zip(values, _converters(model, connection), strict=True):
        for convert in converters:
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in model._meta.concrete_fields], converted)
