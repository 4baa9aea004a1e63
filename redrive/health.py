"""`/healthz`: the web process, its database and its broker, for a load
balancer or a monitor. It belongs to the site, not to an app.

Anyone may ask whether the site is up (200 "ok") or down (503 "unhealthy");
which part failed, and the error text, which can name hosts and ports, are
for staff only."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from redrive.celery import app


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, connection.vendor
    except Exception as exc:  # any failure means "not healthy"; say what it was
        return False, f"{connection.vendor}: {exc.__class__.__name__}: {exc}"


def _broker_ok() -> tuple[bool, str]:
    try:
        with app.connection_for_write() as conn:
            # One attempt: a probe must answer within its own timeout, not kombu's retries.
            conn.ensure_connection(max_retries=0, timeout=2)
            return True, conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_type
    except Exception as exc:
        return False, f"{exc.__class__.__name__}: {exc}"


@never_cache
@require_GET
def healthz(request):
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    healthy = db_ok and broker_ok
    body = {"status": "ok" if healthy else "unhealthy"}
    if request.user.is_authenticated and request.user.is_staff:
        body.update(
            database={"ok": db_ok, "detail": db_detail},
            broker={"ok": broker_ok, "detail": broker_detail},
            course_dir=str(settings.COURSE_DIR),
        )
    return JsonResponse(body, status=200 if healthy else 503)
