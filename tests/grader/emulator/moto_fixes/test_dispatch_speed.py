"""moto's dispatcher lists its service packages once per process."""

import os

from moto import backends

from grader.emulator.moto_fixes import dispatch_speed
from tests.grader.emulator.moto_fixes.conftest import upstream_bug


def test_the_module_list_is_the_same_and_read_from_disk_once(monkeypatch):
    expected = list(dispatch_speed._original())
    dispatch_speed.apply()
    assert list(backends.list_of_moto_modules()) == expected
    listed = []
    real = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path: listed.append(path) or real(path))
    for _ in range(3):
        assert "sqs" in backends.list_of_moto_modules()
    assert listed == []


def test_the_emulator_still_serves_every_service_over_http(aws):
    assert aws("sqs").create_queue(QueueName="still-works")["QueueUrl"].endswith("/still-works")
    assert aws("events").list_event_buses()["EventBuses"][0]["Name"] == "default"


@upstream_bug
def test_plain_moto_lists_its_service_packages_from_disk_once(plain_moto):
    assert plain_moto["dispatch.listdir_calls"] == ["ok", 0]
