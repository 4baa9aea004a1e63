"""rows.hot_cursor: on PostgreSQL one psycopg cursor per connection, kept, and
still Django's wrapper on every use. (The SQLite pass has Django's own cursor.)"""

import pytest
from django.db import connection

from flashcards.selectors.rows import hot_cursor

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the kept cursor is PostgreSQL's: `make test` runs this in its PostgreSQL pass"
)


def _one(value):
    with hot_cursor() as cursor:
        cursor.execute("SELECT %s::int", [value])
        return cursor.fetchone()[0], cursor.cursor


@pytest.mark.django_db(transaction=True)
def test_a_connection_keeps_one_cursor_and_a_new_connection_gets_its_own():
    first, kept = _one(1)
    second, again = _one(2)
    assert (first, second) == (1, 2)
    assert again is kept
    connection.close()  # as CONN_MAX_AGE does between requests
    third, fresh = _one(3)
    assert third == 3
    assert fresh is not kept and not fresh.closed


def test_statements_through_the_kept_cursor_are_still_counted(db, django_assert_num_queries):
    _one(1)
    with django_assert_num_queries(2):
        _one(2)
        _one(3)
