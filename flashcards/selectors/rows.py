"""Model instances from one hand-written join, for the review hot path.

The ORM compiles a query on every call, and for a join of three or four
tables with select_related that cost more than running it. Here the column
list is built once per model and the rows go through the same converters the
ORM applies (dates from SQLite text, JSON, booleans), so the instances are
the ORM's own, as if loaded by it.
"""

from django.db import DEFAULT_DB_ALIAS, connections

_CACHE: dict = {}


class hot_cursor:
    """A cursor for the review hot path's fixed SQL, used as `with hot_cursor() as cursor:`.

    On PostgreSQL with prepared statements on (settings: DB_PREPARED_STATEMENTS),
    it binds parameters on the server, so psycopg prepares each statement on its
    connection after a few runs and PostgreSQL stops planning it on every
    request (planning cost more than running most of these). There the one
    psycopg cursor of each connection is kept and used again, with the types
    it has learnt to load (a new cursor per statement cost more than some of
    the statements). Elsewhere, Django's usual cursor. Either way it is
    Django's cursor wrapper: errors, query logging and counting as usual."""

    __slots__ = ("_managed",)

    def __enter__(self):
        conn = connections[DEFAULT_DB_ALIAS]
        if conn.vendor != "postgresql" or conn.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is None:
            self._managed = conn.cursor()
            return self._managed.__enter__()
        self._managed = None
        conn.ensure_connection()
        kept = getattr(conn, "_hot_cursor", None)
        if kept is None or kept[0] is not conn.connection or kept[1].closed:
            import psycopg

            kept = conn._hot_cursor = (conn.connection, psycopg.Cursor(conn.connection))
        # Wrapped on every use: the wrapper decides whether queries are logged (DEBUG, tests).
        return conn._prepare_cursor(kept[1])

    def __exit__(self, *exc):
        if self._managed is not None:
            return self._managed.__exit__(*exc)
        return None


class _Shape:
    """What turning a row into instances of `model` needs, built once per
    (model, fields, database vendor): the fields read, their attnames, the
    primary key's position and each field's converters."""

    def __init__(self, model, only: tuple | None, conn):
        fields = [f for f in model._meta.concrete_fields if only is None or f.primary_key or f.name in only or f.attname in only]
        self.fields = fields
        self.attnames = [f.attname for f in fields]
        self.pk_index = [f.primary_key for f in fields].index(True)
        self.converters = []
        for i, field in enumerate(fields):
            expression = field.get_col(model._meta.db_table)
            found = conn.ops.get_db_converters(expression) + field.get_db_converters(conn)
            if found:  # most columns need none on PostgreSQL: skip them in the loop
                self.converters.append((i, found, expression))


def _shape(model, only: tuple | None, conn) -> _Shape:
    key = (model, only, conn.vendor)
    shape = _CACHE.get(key)
    if shape is None:
        shape = _CACHE[key] = _Shape(model, only, conn)
    return shape


def columns(model, alias: str, only: tuple | None = None) -> str:
    """`alias.col1, alias.col2, ...` for the concrete fields of `model` (or only
    those named in `only`, plus the primary key), in field order."""
    conn = connections[DEFAULT_DB_ALIAS]
    key = (model, alias, only, conn.vendor, "columns")
    if key not in _CACHE:
        quote = conn.ops.quote_name
        _CACHE[key] = ", ".join(f"{alias}.{quote(f.column)}" for f in _shape(model, only, conn).fields)
    return _CACHE[key]


def _instance(model, values, only, conn):
    shape = _shape(model, only, conn)
    if values[shape.pk_index] is None:
        return None
    converted = list(values)
    for i, found, expression in shape.converters:
        for converter in found:
            converted[i] = converter(converted[i], expression, conn)
    # Fields left out of `only` are deferred, as with QuerySet.only(): read on first use.
    return model.from_db(conn.alias, shape.attnames, converted)


def instance(model, values, only: tuple | None = None):
    """An instance of `model` from its columns' raw values (as `columns()` lists them),
    or None when its primary key is NULL (the missing side of a LEFT JOIN)."""
    return _instance(model, values, only, connections[DEFAULT_DB_ALIAS])


def value(model, name: str, raw):
    """One column's raw value converted as the ORM would (e.g. SQLite's text dates)."""
    conn = connections[DEFAULT_DB_ALIAS]
    key = (model, name, conn.vendor, "value")
    if key not in _CACHE:
        field = model._meta.get_field(name)
        expression = field.get_col(model._meta.db_table)
        _CACHE[key] = (conn.ops.get_db_converters(expression) + field.get_db_converters(conn), expression)
    converters, expression = _CACHE[key]
    for converter in converters:
        raw = converter(raw, expression, conn)
    return raw


def split(row, *specs):
    """Instances from one row holding their columns side by side. Each spec is a
    model, or (model, only) for the columns `columns(model, alias, only)` gave."""
    conn = connections[DEFAULT_DB_ALIAS]
    result, start = [], 0
    for spec in specs:
        model, only = spec if isinstance(spec, tuple) else (spec, None)
        width = len(_shape(model, only, conn).fields)
        result.append(_instance(model, row[start : start + width], only, conn))
        start += width
    return result
