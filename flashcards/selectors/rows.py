"""Model instances from one hand-written join, for the review hot path.

The ORM compiles a query on every call, and for a join of three or four
tables with select_related that cost more than running it. Here the column
list is built once per model and the rows go through the same converters the
ORM applies (dates from SQLite text, JSON, booleans), so the instances are
the ORM's own, as if loaded by it.
"""

from contextlib import contextmanager

from django.db import connection

_CACHE: dict = {}


@contextmanager
def hot_cursor():
    """A cursor for the review hot path's fixed SQL. On PostgreSQL with prepared
    statements on (settings: DB_PREPARED_STATEMENTS), it binds parameters on the
    server, so psycopg prepares each statement on its connection after a few
    runs and PostgreSQL stops planning it on every request (planning cost more
    than running most of these). Elsewhere, Django's usual cursor. Either way it
    is Django's cursor wrapper: errors, query logging and counting as usual."""
    if connection.vendor != "postgresql" or connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is None:
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    with connection._prepare_cursor(psycopg.Cursor(connection.connection)) as cursor:
        yield cursor


def _fields(model):
    return [f for f in model._meta.concrete_fields]


def columns(model, alias: str) -> str:
    """`alias.col1, alias.col2, ...` for every concrete field of `model`, in field order."""
    key = (model, alias, connection.vendor)
    if key not in _CACHE:
        quote = connection.ops.quote_name
        _CACHE[key] = ", ".join(f"{alias}.{quote(f.column)}" for f in _fields(model))
    return _CACHE[key]


def _converters(model):
    key = (model, connection.vendor)
    if key not in _CACHE:
        converters = []
        for field in _fields(model):
            expression = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
            converters.append((found, expression))
        _CACHE[key] = converters
    return _CACHE[key]


def _shape(model):
    """(attnames, index of the primary key), built once per model."""
    key = (model, "shape")
    if key not in _CACHE:
        fields = _fields(model)
        _CACHE[key] = ([f.attname for f in fields], [f.primary_key for f in fields].index(True))
    return _CACHE[key]


def instance(model, values):
    """An instance of `model` from its columns' raw values (as `columns()` lists them),
    or None when its primary key is NULL (the missing side of a LEFT JOIN)."""
    attnames, pk_index = _shape(model)
    if values[pk_index] is None:
        return None
    converted = list(values)
    for i, (found, expression) in enumerate(_converters(model)):
        for converter in found:
            converted[i] = converter(converted[i], expression, connection)
    return model.from_db(connection.alias, attnames, converted)


def value(model, name: str, raw):
    """One column's raw value converted as the ORM would (e.g. SQLite's text dates)."""
    field = model._meta.get_field(name)
    expression = field.get_col(model._meta.db_table)
    for converter in connection.ops.get_db_converters(expression) + field.get_db_converters(connection):
        raw = converter(raw, expression, connection)
    return raw


def split(row, *models):
    """Instances of `models` from one row holding their columns side by side."""
    result, start = [], 0
    for model in models:
        width = len(_fields(model))
        result.append(instance(model, row[start : start + width]))
        start += width
    return result
