"""Writing a batch's rows with one statement each, executed for every row (``executemany``).

Issuing writes hundreds of rows per batch: the reservations, their audit entries, the issued fields. Django's
``bulk_create`` and ``bulk_update`` compile every row through the SQL compiler (a placeholder and a prepared value
per field per row, a CASE per field for updates), which cost a third of rendering the certificates themselves.
Here the statement is built once from the model's metadata and the values are prepared by the fields' own
``pre_save`` and ``get_db_prep_save``, exactly as the ORM would; the database driver sends the rows (MySQLdb as one
multi-row INSERT, sqlite3 and psycopg as a prepared statement).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router
from django.db.models import Field, Model
from django.db.models.constants import OnConflict

from credential_admin.models.fields import ExactCharField

#: Fields whose `get_db_prep_save` returns a str, an int or None as it is, on every backend: most of a batch's
#: values, which `_prepared` then passes on without the field's chain of calls (a sixth of writing a batch).
PLAIN_FIELDS = frozenset({models.CharField, ExactCharField, models.TextField, models.IntegerField,
                          models.PositiveIntegerField, models.PositiveSmallIntegerField, models.BigIntegerField,
                          models.ForeignKey})
PLAIN_VALUES = frozenset({str, int, type(None)})


def insert(rows: Sequence[Model], ignore_conflicts: bool = False) -> None:
    """INSERT these unsaved rows of one model (primary keys are not read back). With `ignore_conflicts`, a row
    that breaks a unique constraint is skipped, as ``bulk_create(ignore_conflicts=True)`` does."""
    if not rows:
        return
    meta = type(rows[0])._meta
    connection = connections[router.db_for_write(type(rows[0]))]
    fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
    quote = connection.ops.quote_name
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    # Identifiers come from the model's own metadata, quoted; every value is a parameter.
    sql = (f"{connection.ops.insert_statement(on_conflict=on_conflict)} {quote(meta.db_table)} "
           f"({', '.join(quote(field.column) for field in fields)}) VALUES ({', '.join(['%s'] * len(fields))}) "
           f"{connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None) or ''}").rstrip()
    params = [[_prepared(field, field.pre_save(row, True), connection) for field in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def update(rows: Sequence[Model], names: Sequence[str]) -> None:
    """UPDATE fields `names` of these saved rows of one model, by primary key."""
    if not rows:
        return
    meta = type(rows[0])._meta
    connection = connections[router.db_for_write(type(rows[0]))]
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Identifiers come from the model's own metadata, quoted; every value is a parameter.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    params = [[_prepared(field, getattr(row, field.attname), connection) for field in fields] + [row.pk]
              for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _prepared(field: Field, value: Any, connection) -> Any:
    """`field.get_db_prep_save(value, connection)`, without its calls where that is `value` itself."""
    if type(value) in PLAIN_VALUES and type(field) in PLAIN_FIELDS:
        return value
    return field.get_db_prep_save(value, connection)
