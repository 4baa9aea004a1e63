"""Checking a bearer token inside another statement.

The review API's views run one statement per request; checking the token
there, rather than in a query of its own, saves a round trip to the database
on every request (see accounts.api_auth.token_checked_in_query)."""

from django.contrib.auth import get_user_model

from accounts.models import ApiToken


def live_token_sql() -> str:
    """A boolean SQL expression taking two parameters, a token's digest and a user
    id: the token is live (not revoked, belonging to that user, whose account is active)."""
    T, U = ApiToken._meta.db_table, get_user_model()._meta.db_table
    return (
        f"EXISTS (SELECT 1 FROM {T} t JOIN {U} u ON u.id = t.user_id "
        f"WHERE t.digest = %s AND t.user_id = %s AND t.revoked_at IS NULL AND u.is_active)"
    )


def with_live_token(sql: str, params: list, *, digest: str, user_id: int) -> tuple[str, list]:
    """`sql` (one SELECT) behind a first column that says whether the token with
    `digest` is live (live_token_sql). Its row follows (NULLs when it gives none), so
    the caller can tell a dead token from an empty result; with a dead token it is not run."""
    # LIMIT 1 (of its one row) keeps k_ a subquery of its own: pulled up into the join,
    # PostgreSQL ran the token check twice (once for the filter, once for live_).
    wrapped = f"SELECT k_.live_, q_.* FROM (SELECT {live_token_sql()} AS live_ LIMIT 1) k_ LEFT JOIN ({sql}) q_ ON k_.live_"
    return wrapped, [digest, user_id] + list(params)


class TokenNotLive(Exception):
    """The statement's token check failed: the view answers 401 (api_auth.bearer_token_dead)."""


def live_row(row, *, checked: bool):
    """The statement's own row from a fetchone() of with_live_token's statement
    (or the row itself when the token was not checked); raises TokenNotLive."""
    if not checked:
        return row
    if not row[0]:
        raise TokenNotLive
    own = row[1:]
    return own if any(v is not None for v in own) else None
