import celery
import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun
from django.db import connection

from labs.models import Lab
from redrive.celery import QuickReconnectConsumer, app


class _Connection:
    def __init__(self):
        self.calls = []

    def ensure_connection(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self

    def as_uri(self):
        return "redis://127.0.0.1:6379/0"


def test_a_worker_retries_a_lost_broker_every_few_seconds_not_every_thirty():
    # Written for Celery 5's Consumer.ensure_connected, which calls
    # conn.ensure_connection(errback, max_retries, callback=...): on a new major
    # version, read it again before trusting the wrapper.
    assert celery.VERSION.major == 5
    consumer = QuickReconnectConsumer.__new__(QuickReconnectConsumer)
    consumer.app, consumer.first_connection_attempt, consumer.broker_connection_retry_attempt = app, False, 0
    connection = _Connection()
    assert consumer.ensure_connected(connection) is connection
    (_args, kwargs), = connection.calls
    assert (kwargs["interval_start"], kwargs["interval_step"], kwargs["interval_max"]) == (1, 1, 3)
    assert "callback" in kwargs


def test_sweeps_have_their_own_queue_and_a_worker_consumes_both():
    assert set(app.amqp.queues) == {"celery", "sweeps"}
    assert app.amqp.router.route({}, "labs.sweep_submissions")["queue"].name == "sweeps"
    assert app.amqp.router.route({}, "labs.grade_submission")["queue"].name == "celery"
    assert app.conf.beat_schedule["labs-sweep-submissions"]["options"]["queue"] == "sweeps"


class _Task:
    class request:
        is_eager = False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="CONN_MAX_AGE applies to PostgreSQL; SQLite connects per task")
@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_its_database_connection_from_one_task_to_the_next():
    fixup = DjangoWorkerFixup(app)
    task = _Task()

    def one_task():
        fixup.on_task_prerun(sender=task)
        task_prerun.send(sender=task, task=task, task_id="t", args=(), kwargs={})
        Lab.objects.exists()
        task_postrun.send(sender=task, task=task, task_id="t", args=(), kwargs={}, retval=None, state="SUCCESS")
        fixup.on_task_postrun(sender=task)
        return connection.connection

    first = one_task()
    assert one_task() is first is not None  # not a new connection for each task


@pytest.mark.skipif(connection.vendor != "postgresql", reason="CONN_MAX_AGE applies to PostgreSQL; SQLite connects per task")
@pytest.mark.django_db(transaction=True)
def test_a_task_after_a_database_error_starts_on_a_new_connection():
    task = _Task()
    Lab.objects.exists()
    broken = connection.connection
    connection.errors_occurred = True
    broken.close()  # as a database restart leaves it
    task_prerun.send(sender=task, task=task, task_id="t", args=(), kwargs={})
    assert Lab.objects.exists() in (True, False)
    assert connection.connection is not broken


def test_an_eager_task_leaves_its_callers_connection_alone(monkeypatch):
    closed = []
    monkeypatch.setattr("redrive.celery.close_old_connections", lambda: closed.append(True))

    class Eager:
        class request:
            is_eager = True

    task_prerun.send(sender=Eager, task=Eager(), task_id="t", args=(), kwargs={})
    assert closed == []
