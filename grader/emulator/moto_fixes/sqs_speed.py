"""moto's SQS hot paths, made cheap. Behaviour is unchanged.

moto 5.2.5 builds a queue's whole attribute dictionary (which counts its
visible, in-flight and delayed messages: two clock reads per message in the
queue) far more often than it needs one:
- GetQueueAttributes for named attributes built it three times per name
  asked for; here once per call;
- ReceiveMessage checked each message's retention by building it to read
  MessageRetentionPeriod; here that one number is read (sqs_retention has
  already dropped expired messages by then: this is moto's second look);
and it made each receipt handle with 185 separate `random.choice` calls
(about 40 microseconds); here one `random.choices` call on the same seedable
random source, the same alphabet and length (about 5). A message's
MD5OfBody was hashed again for every answer that carries it (each receive,
each send): 1.5 ms for a megabyte body (claim-check's); here it is kept with
the body it was computed from, and computed again if the body changes.
"""

import string

from moto.core.utils import unix_time
from moto.moto_api._internal import mock_random
from moto.sqs import models as sqs_models
from moto.sqs import utils as sqs_utils
from moto.sqs.exceptions import InvalidAttributeName
from moto.sqs.models import SQSBackend

RECEIPT_HANDLE_LENGTH = 185  # moto's
_original_handle = sqs_utils.generate_receipt_handle
_original_get_queue_attributes = SQSBackend.get_queue_attributes
_original_body_md5 = sqs_models.Message.__dict__["body_md5"]


def generate_receipt_handle() -> str:
    return "".join(mock_random.choices(string.ascii_lowercase, k=RECEIPT_HANDLE_LENGTH))


def get_queue_attributes(self: SQSBackend, queue_name: str, attribute_names: list[str]) -> dict:
    """moto's GetQueueAttributes (the same validation, the same answers), with the dictionary built once."""
    queue = self.get_queue(queue_name)
    if not attribute_names:
        return {}
    valid_names = ["All"] + queue.BASE_ATTRIBUTES + queue.FIFO_ATTRIBUTES + queue.KMS_ATTRIBUTES
    invalid_name = next((name for name in attribute_names if name not in valid_names), None)
    if invalid_name or invalid_name == "":
        raise InvalidAttributeName(invalid_name)
    everything = queue.attributes
    if "All" in attribute_names:
        return everything
    return {name: everything[name] for name in attribute_names if everything.get(name) is not None}


def is_message_valid_based_on_retention_period(self: SQSBackend, queue_name: str, message) -> bool:
    retention_period = int(self.get_queue(queue_name).message_retention_period)
    return retention_period + message.sent_timestamp / 1000 > unix_time()


def body_md5(self) -> str:
    kept = self.__dict__.get("_redrive_body_md5")
    if kept is None or kept[0] is not self.body:
        kept = self.__dict__["_redrive_body_md5"] = (self.body, _original_body_md5.fget(self))
    return kept[1]


def apply() -> None:
    # moto.sqs.models bound the function by name when it imported it.
    sqs_utils.generate_receipt_handle = generate_receipt_handle
    sqs_models.generate_receipt_handle = generate_receipt_handle
    SQSBackend.get_queue_attributes = get_queue_attributes
    SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period
    sqs_models.Message.body_md5 = property(body_md5, doc=_original_body_md5.__doc__)
