import os
from pathlib import Path

import functools

from celery import Celery
from celery.signals import task_postrun, task_prerun
from celery.worker.consumer import Consumer
from django.db import close_old_connections
from kombu.transport import TRANSPORT_ALIASES

from redrive import broker

# Before any connection: `make run`'s broker URL (redrive/settings.py) names it.
TRANSPORT_ALIASES.setdefault(broker.ALIAS, "redrive.broker:Transport")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redrive.settings")

class QuickReconnectConsumer(Consumer):
    """A worker's consumer that tries a lost broker again every second or two.

    Celery reconnects through kombu's Connection.ensure_connection with its
    defaults: waits of 2, 4, 6... seconds up to 30. After an outage of a minute
    or more a worker could stay away for 30 s after the broker is back, and the
    sweep (which runs on a worker) with it. Here the waits are 1, 2, 3 up to 3 s;
    a reconnect attempt is one TCP connect, so trying often costs nothing.
    Wraps the one call Celery 5.x makes (Consumer.ensure_connected passes
    errback, max_retries and callback); anything else it passes goes through."""

    RETRY = {"interval_start": 1, "interval_step": 1, "interval_max": 3}

    def ensure_connected(self, conn):
        conn.ensure_connection = functools.partial(conn.ensure_connection, **self.RETRY)
        return super().ensure_connected(conn)


app = Celery("redrive")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # each app's tasks.py
app.autodiscover_tasks(related_name="periodic")  # and periodic.py: beat's tasks (labs/periodic.py says why apart)


def ensure_broker_folders() -> None:
    """The file-system broker needs its folders before the first send or poll."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


ensure_broker_folders()


@task_prerun.connect
@task_postrun.connect
def connections_as_for_a_request(task=None, **kwargs) -> None:
    """Before and after each task, what Django does around a web request: close
    a connection that is past CONN_MAX_AGE or broke (a database restart), keep
    a healthy one. Celery's own fixup then only recycles one every
    CELERY_DB_REUSE_MAX tasks (redrive/settings.py). Not for an eager task: it
    runs in its caller's process and transaction, as the fixup leaves it."""
    if task is None or getattr(task.request, "is_eager", False):
        return
    close_old_connections()
