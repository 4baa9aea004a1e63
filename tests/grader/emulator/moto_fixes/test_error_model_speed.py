"""The service an error belongs to is looked up in a table built once, with
moto's own answers, and the warm emulator builds it before it forks."""

import pytest
from botocore import session as botocore_session
from moto.core import utils

from grader.emulator.moto_fixes import error_model_speed
from grader.emulator.services import LAB_SERVICES

PACKAGES = [package for packages in LAB_SERVICES.values() for package in packages] + ["resourcegroupstaggingapi", "nope"]


def test_the_table_gives_moto_answers_for_every_package():
    for package in PACKAGES:
        assert error_model_speed.service_name_from_moto_package_name(package) == error_model_speed._original(package), package


def test_after_warming_an_error_lists_no_services(aws, monkeypatch):
    error_model_speed.apply()
    error_model_speed.warm(PACKAGES)

    def no_listing(self):
        raise AssertionError("botocore's services were listed again")

    monkeypatch.setattr(botocore_session.Session, "get_available_services", no_listing)
    sqs = aws("sqs")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="never-made")
    assert utils.service_name_from_moto_package_name is error_model_speed.service_name_from_moto_package_name
