"""Celery beat's task (redrive/settings.py CELERY_BEAT_SCHEDULE); found by
redrive/celery.py's autodiscovery of each app's `periodic` module."""

from celery import shared_task

from labs.services.sweeps import submissions_sweep


@shared_task(name="labs.sweep_submissions", ignore_result=True, expires=30)
def sweep_submissions() -> None:
    submissions_sweep()
