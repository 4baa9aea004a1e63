import os
from pathlib import Path

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

from redrive import broker

# Before any connection: `make run`'s broker URL (redrive/settings.py) names it.
TRANSPORT_ALIASES.setdefault(broker.ALIAS, "redrive.broker:Transport")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redrive.settings")

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
