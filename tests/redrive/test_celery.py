import celery

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
