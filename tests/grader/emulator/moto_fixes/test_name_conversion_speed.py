"""moto's camelCase-to-snake_case conversion is remembered, with the same answers."""

from moto.core import utils
from moto.sqs import models as sqs_models

from grader.emulator.moto_fixes import name_conversion_speed


def test_the_conversion_gives_moto_answers_and_is_computed_once_per_name():
    name_conversion_speed.apply()
    for name in ("VisibilityTimeout", "ApproximateNumberOfMessages", "RedrivePolicy", "theNewAttribute", "", "FIFOQueue"):
        assert name_conversion_speed.camelcase_to_underscores(name) == name_conversion_speed._original(name)
    name_conversion_speed.camelcase_to_underscores.cache_clear()
    for _ in range(5):
        sqs_models.camelcase_to_underscores("MessageRetentionPeriod")
    info = name_conversion_speed.camelcase_to_underscores.cache_info()
    assert (info.misses, info.hits) == (1, 4)
    assert utils.camelcase_to_underscores is name_conversion_speed.camelcase_to_underscores


def test_queue_attributes_still_read_through_the_remembered_conversion(aws):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="named", Attributes={"VisibilityTimeout": "45", "DelaySeconds": "3"})["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attributes["VisibilityTimeout"], attributes["DelaySeconds"]) == ("45", "3")
