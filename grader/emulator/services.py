"""Which AWS services a run's emulator serves, and keeping moto away from Docker.

A lab declares the services it uses (`services:` in lab.yaml). The emulator
answers only those, plus IAM and STS (ARNs, roles, get_caller_identity); a call
to any other service gets an AWS-style UnknownOperationException, and the
child remembers it so the verdict can tell the learner why (refused_note).

moto's Lambda and Batch run functions and jobs in Docker containers. Here the
harness plays Lambda, so moto must never reach a Docker daemon: on a worker
host with Docker that would run learner-chosen images outside every sandbox.
no_docker() switches both to moto's docker-free backends (Lambda's Invoke
then answers without running anything; SQS, SNS, S3, DynamoDB, Kinesis and
Logs triggers land there too) and makes moto's Docker client refuse to exist.
Batch is never served at all.
"""

import json
import threading
from xml.sax.saxutils import escape

# lab.yaml's service names -> moto's backend names (what the dispatcher routes to).
LAB_SERVICES = {
    "sqs": ("sqs",),
    "sns": ("sns",),
    "events": ("events",),
    "scheduler": ("scheduler",),
    "pipes": ("pipes",),
    "kinesis": ("kinesis",),
    "firehose": ("firehose",),
    "lambda": ("awslambda", "awslambda_simple"),
    "kafka": ("kafka",),
    "s3": ("s3", "s3bucket_path"),
    "logs": ("logs",),
    "dynamodb": ("dynamodb", "dynamodbstreams"),
    "cloudwatch": ("cloudwatch",),
}
ALWAYS = ("iam", "sts")  # what the declared services need: roles for targets and functions, account ids
NAMES = {
    "sqs": "SQS", "sns": "SNS", "events": "EventBridge", "scheduler": "EventBridge Scheduler", "pipes": "EventBridge Pipes",
    "kinesis": "Kinesis", "firehose": "Firehose", "lambda": "Lambda", "awslambda": "Lambda", "kafka": "MSK (Kafka)",
    "s3": "S3", "s3bucket_path": "S3", "logs": "CloudWatch Logs", "dynamodb": "DynamoDB", "dynamodbstreams": "DynamoDB Streams", "cloudwatch": "CloudWatch",
    "sts": "STS", "iam": "IAM", "batch": "Batch", "ec2": "EC2", "ecs": "ECS", "stepfunctions": "Step Functions",
}
REFUSED_CODE = "UnknownOperationException"


class DockerRefused(RuntimeError):
    pass


def _refuse_docker(self):
    raise DockerRefused("this emulator never runs containers: the grader plays Lambda")


def no_docker() -> None:
    """Make moto's Lambda and Batch docker-free in this process (idempotent)."""
    from moto.core.config import default_user_config
    from moto.utilities.docker_utilities import DockerModel

    default_user_config["lambda"]["use_docker"] = False
    default_user_config["batch"]["use_docker"] = False
    DockerModel.docker_client = property(_refuse_docker)


def allowed_backends(services: list[str] | None) -> frozenset[str]:
    """moto backends for a lab's services; None means every service a lab may declare."""
    chosen = LAB_SERVICES if services is None else {s: LAB_SERVICES[s] for s in services if s in LAB_SERVICES}
    return frozenset(ALWAYS).union(*chosen.values())


def display(backend: str) -> str:
    return NAMES.get(backend, backend.upper() if len(backend) <= 3 else backend.capitalize())


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class ServicePolicy:
    """What this child serves. Refuses everything until the job says which lab it is."""

    def __init__(self):
        self.allowed: frozenset[str] = frozenset()
        self.services: list[str] | None = []
        self.refused: list[str] = []  # backends the learner's code called, in order
        self._lock = threading.Lock()

    def set_services(self, services: list[str] | None) -> None:
        self.services = None if services is None else list(services)
        self.allowed = allowed_backends(services)

    def permits(self, backend: str) -> bool:
        if backend in self.allowed:
            return True
        with self._lock:
            if backend not in self.refused:
                self.refused.append(backend)
        return False

    def _served(self) -> str:
        return _and([display(s) for s in self.services]) if self.services else "nothing"

    def message(self, backend: str) -> str:
        """What the learner's call gets back."""
        if self.services is None:
            return f"{display(backend)} is not available in these labs."
        return f"{display(backend)} is not enabled in this lab: its emulator serves {self._served()} (plus IAM and STS)."

    def refused_note(self) -> str:
        """One sentence for the verdict, or '' when nothing was refused."""
        if not self.refused:
            return ""
        names = _and(list(dict.fromkeys(display(b) for b in self.refused)))
        served = "" if self.services is None else f": its emulator serves {self._served()} (plus IAM and STS)"
        return f"Your code called {names}, which this lab does not use{served}, so those calls failed with {REFUSED_CODE}."


# REST-JSON services among moto's: their requests carry neither x-amz-target nor a JSON content type on GETs.
REST_JSON = {"awslambda", "awslambda_simple", "batch", "batch_simple", "scheduler", "pipes", "kafka", "apigateway", "appsync", "eks", "glacier"}


def refusal(environ: dict, start_response, backend: str, message: str):
    """AWS's error shape for the protocol the request used: JSON (x-amz-target, a
    JSON body, or a REST-JSON service) or XML (query and REST-XML, as S3)."""
    content_type = environ.get("CONTENT_TYPE", "")
    as_json = "HTTP_X_AMZ_TARGET" in environ or "json" in content_type or backend in REST_JSON
    if as_json:
        body = json.dumps({"__type": REFUSED_CODE, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", REFUSED_CODE)]
    else:
        body = (
            "<?xml version=\"1.0\"?><ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{REFUSED_CODE}</Code><Message>{escape(message)}</Message></Error>"
            "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
        ).encode()
        headers = [("Content-Type", "text/xml")]
    start_response("400 Bad Request", headers + [("Content-Length", str(len(body)))])
    return [body]
