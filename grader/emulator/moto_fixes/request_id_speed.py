"""moto's request id, written into a response only where the response has one.

`BaseResponse._enrich_response` runs on every answer moto gives and rewrites
`<RequestId>...</RequestId>` in the body with a look-behind regular
expression, which tries its look-behind at every character of the body: JSON
answers and S3 objects, which never hold the tag, paid for a scan of their
whole length (a sixth of the emulator's CPU in a lab that moves S3 objects).
The tag is looked for first, with a plain substring search; a body without it
is left as it is, as the regular expression left it.

The id itself is 52 characters drawn from moto's random source, which moto
drew with one `random.choice` call each (a twentieth of an in-process call's
CPU, for every answer). `MotoRandom.get_random_string`, which every random
name and id moto makes goes through, now draws them with one
`random.choices` call: the same alphabet, length and source. Behaviour is
unchanged.
"""

import re
import string

from moto.core import responses
from moto.moto_api._internal.moto_random import MotoRandom
from moto.utilities.aws_headers import gen_amzn_requestid_long

_original = responses.BaseResponse.__dict__["_enrich_response"]
_REQUEST_ID = re.compile(r"(?<=<RequestId>).*(?=<\/RequestId>)")


def enrich_response(headers, body):
    if "status" in headers:
        headers["status"] = str(headers["status"])
    request_id = gen_amzn_requestid_long(headers)  # sets the x-amzn-requestid header, as moto does
    if isinstance(body, str) and "<RequestId>" in body:
        body = _REQUEST_ID.sub(request_id, body)
    return headers, body


def get_random_string(self, length: int = 20, include_digits: bool = True, lower_case: bool = False) -> str:
    pool = string.ascii_letters + string.digits if include_digits else string.ascii_letters
    random_str = "".join(self.choices(pool, k=length))
    return random_str.lower() if lower_case else random_str


def apply() -> None:
    responses.BaseResponse._enrich_response = staticmethod(enrich_response)
    MotoRandom.get_random_string = get_random_string
