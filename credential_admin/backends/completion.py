"""Completed blocks from edx-completion's BlockCompletion, for many learners in one query, and the helpers of
the backends' bulk reads (`IdList`, `raw_rows`)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from completion.models import BlockCompletion
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Aggregate, Count, Expression, IntegerField, QuerySet, TextField

#: Joins a learner's keys in SQL; usage keys never hold it (a key that did would fail the count check below).
SEPARATOR = " "
#: group_concat_max_len asked for when MySQL cut a list short (its default there is 1,024 bytes).
MYSQL_CONCAT_LIMIT = 1 << 30


class JoinedKeys(Aggregate):
    """The group's values joined by SEPARATOR: one row and one string per learner instead of hundreds of rows."""

    function = "GROUP_CONCAT"
    template = f"%(function)s(%(expressions)s, '{SEPARATOR}')"
    output_field = TextField()

    def as_mysql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=f"GROUP_CONCAT(%(expressions)s SEPARATOR '{SEPARATOR}')")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="STRING_AGG")


class IdList(Expression):
    """Ids for an ``__in`` lookup, written into the SQL as integer literals: no per-value preparation by Django
    (a 500-id batch costs a few milliseconds per query that way) nor quoting by the driver (MySQLdb escapes each
    parameter in Python). Safe because every id has been through int()."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(output_field=IntegerField())
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection):
        if not self.ids:
            raise EmptyResultSet
        return f"({', '.join(map(str, self.ids))})", []


def completed_blocks(course_key: str, user_ids: list[int]) -> dict[int, list[str]]:
    """{user id: keys of the blocks they completed (completion 1.0)}, each key once (the table is unique per
    course, block and learner), in no particular order.

    Hundreds of keys per learner: the database joins each learner's keys into one string (Python splits it in C,
    no row, model or key parsing per block). A list the database cut short (MySQL's group_concat_max_len) does not
    hold as many keys as the learner has rows: those learners are read again row by row, after raising the limit
    for the connection's next calls.
    """
    rows = joined_completions(course_key, user_ids)
    done: dict[int, list[str]] = {}
    cut: list[int] = []
    for user_id, joined, count in raw_rows(rows):
        keys = joined.split(SEPARATOR)
        if len(keys) == count:
            done[user_id] = keys
        else:
            cut.append(user_id)
    if cut:
        _raise_concat_limit(rows.db)
        done.update(_completed_row_by_row(course_key, cut))
    return done


def joined_completions(course_key: str, user_ids: list[int]) -> QuerySet:
    """(user id, completed keys joined, how many) for each of these learners with a completed block: one query."""
    return (_completions(course_key, user_ids).values("user_id")
            .annotate(keys=JoinedKeys("block_key"), count=Count("*")).values_list("user_id", "keys", "count"))


def _completions(course_key: str, user_ids: list[int]) -> QuerySet:
    return BlockCompletion.objects.filter(context_key=str(course_key), user_id__in=IdList(user_ids),
                                          completion__gte=1.0)


def _completed_row_by_row(course_key: str, user_ids: list[int]) -> dict[int, list[str]]:
    done: dict[int, list[str]] = defaultdict(list)
    for user_id, key in raw_rows(_completions(course_key, user_ids).values_list("user_id", "block_key")):
        done[user_id].append(key)
    return done


def _raise_concat_limit(alias: str) -> None:
    connection = connections[alias]
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION group_concat_max_len = %s", [MYSQL_CONCAT_LIMIT])


def raw_rows(queryset: QuerySet, chunk: int = 20000) -> Iterator[tuple]:
    """The rows of a values_list() queryset as the database driver returns them, in one query.

    The SQL is Django's own (so it works on every backend); only the per-row conversion is skipped, so use it for
    columns whose raw value is what you want (ids, strings, numbers). A query that can match nothing (no ids) runs
    no SQL.
    """
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows
