"""Celery tasks: thin wrappers over labs.services. They take ids, never rows.

The periodic sweep's task is in labs/periodic.py: the sweep dispatches this
module's task, so keeping it here would make an import cycle."""

import logging

from celery import shared_task
from celery.signals import worker_process_init, worker_process_shutdown
from django.db import OperationalError

from labs import engine
from labs.services.grading import submission_grade

logger = logging.getLogger(__name__)


# acks_late and reject_on_worker_lost come from settings: a worker that dies
# mid-grade gives the message back. The claim makes a second delivery a no-op
# while the row is running; the sweep requeues it if nobody finishes it.
# A database hiccup before the claim is transient: retry it. Anything else is
# recorded on the row by the service.
@shared_task(
    name="labs.grade_submission",
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=1,
    time_limit=180,  # far above any lab's wall clock; the engine enforces the real one
)
def grade_submission(submission_id: int) -> None:
    submission_grade(submission_id=submission_id)


@worker_process_init.connect
def start_lab_engine(**kwargs) -> None:
    """Start this grading process's engine (warm emulator, spare sandbox) as the
    process starts, so the first learner after a deploy waits about as long as
    every later one instead of the engine's start-up of several seconds. A
    failure here is only logged: the grading that meets it records it on its row."""
    try:
        engine.engine_start()
    except Exception:
        logger.exception("the lab engine did not start; gradings in this process will report it")


@worker_process_shutdown.connect
def stop_lab_engine(**kwargs) -> None:
    """A pool process leaves through os._exit, which skips the engine's atexit
    hook: stop the engine here, so a normal stop leaves no sandbox and no
    redrive-engine-* folder behind (an engine killed outright leaves its folder
    to the next engine's start, grader/workdirs.py)."""
    try:
        engine.engine_stop()
    except Exception:
        logger.exception("the lab engine did not stop cleanly")
