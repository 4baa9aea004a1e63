"""The grader's boto3 clients: in-process, on the emulator this process serves
(or, in grader/inprocess.py, mocks).

A grader's call never leaves the process, so two things botocore does for the
network are cut down, each for a share of every call's CPU:
- the user agent is fixed: botocore rebuilt its own from a dozen parts on
  every request (an eighth of a call), and moto reads it only for a region the
  URL does not name;
- the request is "signed" without the HMAC chain (a fifth of a call):
  moto checks no signature, but reads the Authorization header for the
  caller's access key (the account) and the region. So the header is there,
  with the credential scope AWS would put in it and a signature of zeros.
  Not for S3: its signer also sets headers that say how the body is framed
  (X-Amz-Content-SHA256 for an aws-chunked upload with a trailing checksum),
  and moto reads them to decode the body; S3 answers a request with no
  Authorization at all as an anonymous caller's. S3 keeps botocore's signer.
"""

from typing import Any

from botocore import auth

from grader.harness.boto3_patches import scope_only_auth

REGION = "us-east-1"
GRADER_USER_AGENT = "redrive-grader"
GRADER_SIGNATURE_VERSION = "redrive-grader"
# Clients the warm emulator made before it forked (premake_local_clients): each
# run's child is a fresh fork, so a run never shares one with another run.
_premade: dict[str, Any] = {}


# The harness's signer, shared: one class signs the learner's requests and the grader's.
ScopeOnlyAuth = scope_only_auth()
auth.AUTH_TYPE_MAPS[GRADER_SIGNATURE_VERSION] = ScopeOnlyAuth


def premake_local_clients(services) -> None:
    """Make the grader's clients once, in the warm emulator before it forks:
    building one costs 5 to 15 ms of CPU (botocore reads and parses its service
    model), which every run's child paid again for each service its grader used.
    Their paginator models are loaded too: a client loads its own on its first
    get_paginator, looking through botocore's data folders first (3 to 5 ms of
    each run that scans a DynamoDB table or lists a bucket)."""
    for service in services:
        client = _premade[service] = _new_local_client(service)
        client.can_paginate(next(iter(client.meta.method_to_api_mapping)))


def local_client(service: str):
    """A boto3 client on the emulator this process serves (or mocks)."""
    if service in _premade:
        return _premade[service]
    return _new_local_client(service)


def _new_local_client(service: str):
    import boto3
    from botocore.config import Config

    if service == "s3":
        config = Config(user_agent=GRADER_USER_AGENT)
    else:
        config = Config(user_agent=GRADER_USER_AGENT, signature_version=GRADER_SIGNATURE_VERSION)
    return boto3.client(service, region_name=REGION, config=config)
