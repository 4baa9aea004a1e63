"""The emulator child, sealed: what learner code can make it do outside the
learner's sandbox. It never reaches Docker (Lambda, Batch), spools what it
is sent into a capped tmpfs of its own rather than the worker's disk, serves
only the lab's declared services, and runs as an unprivileged uid in a root
of its own."""

import os
import shutil
import socket
import tempfile
import threading
import time

import pytest

from grader.config import DEFAULT_EMULATOR_UID
from tests.grader.conftest import assert_engine_still_grades, assert_nothing_left, grade

pytestmark = pytest.mark.sandbox

DOCKER_SOCKET = "/var/run/docker.sock"  # where moto's docker.from_env() looks without DOCKER_HOST


@pytest.fixture
def fake_docker():
    """A listener at the Docker socket's path: it records every connection."""
    if os.path.exists(DOCKER_SOCKET):
        pytest.skip(f"{DOCKER_SOCKET} exists on this host; the fake daemon would replace a real one")
    os.makedirs(os.path.dirname(DOCKER_SOCKET), exist_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(DOCKER_SOCKET)
    os.chmod(DOCKER_SOCKET, 0o666)
    listener.listen(16)
    listener.settimeout(0.2)
    connections: list[bytes] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            client.settimeout(1)
            try:
                connections.append(client.recv(200) or b"(connected)")
            except OSError:
                connections.append(b"(connected)")
            client.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield connections
    stop.set()
    thread.join(2)
    listener.close()
    os.unlink(DOCKER_SOCKET)


LAMBDA_AND_BATCH = r'''
import io, json, zipfile
import boto3

def attempt(label, action):
    try:
        print(label, "ok", repr(action())[:200], flush=True)
    except Exception as exc:
        print(label, "failed", type(exc).__name__, str(exc)[:300], flush=True)

def setup():
    boto3.client("sqs").create_queue(QueueName="orders")

def handler(event):
    iam, awslambda, sqs = boto3.client("iam"), boto3.client("lambda"), boto3.client("sqs")
    role = iam.create_role(RoleName="runner", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("app.py", "import os\ndef run(event, context):\n    return os.listdir('/')\n")
    attempt("create_function", lambda: awslambda.create_function(
        FunctionName="escape", Runtime="python3.11", Role=role, Handler="app.run", Code={"ZipFile": archive.getvalue()})["FunctionArn"])
    attempt("invoke", lambda: awslambda.invoke(FunctionName="escape", Payload=b"{}")["Payload"].read())
    attempt("invoke_async", lambda: awslambda.invoke(FunctionName="escape", InvocationType="Event", Payload=b"{}")["StatusCode"])
    # A trigger: moto invokes the function itself when the queue gets a message.
    queue = sqs.create_queue(QueueName="trigger")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attempt("mapping", lambda: awslambda.create_event_source_mapping(EventSourceArn=arn, FunctionName="escape")["UUID"])
    attempt("send", lambda: sqs.send_message(QueueUrl=queue, MessageBody="go")["MessageId"])
    batch = boto3.client("batch")
    attempt("batch_env", lambda: batch.create_compute_environment(
        computeEnvironmentName="env", type="UNMANAGED", serviceRole=role)["computeEnvironmentArn"])
    attempt("batch_queue", lambda: batch.create_job_queue(
        jobQueueName="q", state="ENABLED", priority=1, computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "env"}])["jobQueueArn"])
    attempt("batch_definition", lambda: batch.register_job_definition(
        jobDefinitionName="d", type="container", containerProperties={"image": "alpine", "vcpus": 1, "memory": 128, "command": ["id"]})["jobDefinitionArn"])
    attempt("batch_submit", lambda: batch.submit_job(jobName="j", jobQueue="q", jobDefinition="d")["jobId"])
    import time
    time.sleep(1.5)  # moto's Batch starts its job on a thread: give it time to reach for Docker
    print("attempts done", flush=True)
    return "done"
'''


def test_lambda_and_batch_never_reach_docker(engine, fake_docker):
    graded = grade(LAMBDA_AND_BATCH, time_limit_s=15, services=["sqs", "lambda"])

    assert "attempts done" in graded.output, graded.output
    assert fake_docker == [], f"the emulator connected to the Docker socket: {fake_docker}"
    lines = {line.split()[0]: line for line in graded.output.splitlines() if line.split()[:1]}
    assert " ok " in lines["create_function"] and " ok " in lines["invoke"], graded.output  # Lambda is served, without containers
    assert "docker" not in lines["invoke"].lower(), graded.output
    assert "UnknownOperationException" in lines["batch_submit"], graded.output  # Batch is never served
    assert graded.checkpoint("handler")["passed"], graded.data
    assert_nothing_left(graded)
    assert_engine_still_grades()


DISK_FILL = r'''
import boto3

s3 = boto3.client("s3")

def setup():
    boto3.client("sqs").create_queue(QueueName="orders")
    s3.create_bucket(Bucket="fill")

def handler(event):
    body = b"x" * (15 * 1024 * 1024)
    stored = 0
    for i in range(40):
        try:
            s3.put_object(Bucket="fill", Key=f"part-{i}", Body=body)
            stored += 1
        except Exception as exc:
            print("put failed", i, type(exc).__name__, flush=True)
            break
    print("stored", stored, flush=True)
    return "done"
'''


def test_a_disk_fill_stays_inside_the_emulators_capped_tmpfs(engine):
    """40 x 15 MiB of S3 objects: moto spools each body to its temporary
    directory. The host's must not grow; the child's own /tmp fills and refuses."""
    host_tmp = tempfile.gettempdir()
    before = shutil.disk_usage(host_tmp).used
    peak = [before]
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], shutil.disk_usage(host_tmp).used)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        graded = grade(DISK_FILL, time_limit_s=20, services=["sqs", "s3"])
    finally:
        stop.set()
        watcher.join(2)

    # Unsealed, moto spooled 600 MiB here; the margin is for other processes writing to the same disk.
    grew_mib = (peak[0] - before) / 2**20
    assert grew_mib < 200, f"{host_tmp} grew by {grew_mib:.0f} MiB during the run"
    stored = next(int(line.split()[1]) for line in graded.output.splitlines() if line.startswith("stored "))
    assert stored * 15 <= 256, graded.output  # the child's /tmp holds 256 MiB, then S3 answers with an error
    assert "put failed" in graded.output, graded.output
    assert_nothing_left(graded)
    assert_engine_still_grades()


UNDECLARED = r'''
import boto3

def setup():
    boto3.client("sqs").create_queue(QueueName="orders")

def handler(event):
    for service, call in (("s3", lambda c: c.list_buckets()), ("dynamodb", lambda c: c.list_tables()), ("sts", lambda c: c.get_caller_identity())):
        try:
            call(boto3.client(service))
            print(service, "served", flush=True)
        except Exception as exc:
            print(service, "refused", exc.response["Error"]["Code"], "|", exc.response["Error"]["Message"], flush=True)
    return "done"
'''


def test_an_undeclared_service_gets_an_aws_error_and_the_learner_is_told(engine):
    graded = grade(UNDECLARED, services=["sqs"])

    lines = {line.split()[0]: line for line in graded.output.splitlines() if line.split()[:1]}
    assert lines["s3"].startswith("s3 refused UnknownOperationException | S3 is not enabled in this lab"), graded.output
    assert lines["dynamodb"].startswith("dynamodb refused UnknownOperationException | DynamoDB is not enabled"), graded.output
    assert lines["sts"] == "sts served", graded.output  # IAM and STS are always there
    assert graded.data["status"] == "passed", graded.data  # the grader's own checks are unaffected
    assert graded.data["error"] == (
        "Your code called S3 and DynamoDB, which this lab does not use: its emulator serves SQS (plus IAM and STS), "
        "so those calls failed with UnknownOperationException."
    )
    assert_engine_still_grades()


def test_the_emulator_child_is_unprivileged_in_a_root_of_its_own(engine):
    grade("import boto3\nboto3.client('sqs').create_queue(QueueName='orders')\n")  # the spare is made while this runs
    deadline = time.monotonic() + 10
    while not engine._spares and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = engine._spares[0].emulator.pid
    with open(f"/proc/{pid}/status") as f:
        status = dict(line.split(":", 1) for line in f if ":" in line)
    root = f"/proc/{pid}/root"

    assert status["Uid"].split() == [str(DEFAULT_EMULATOR_UID)] * 4, status["Uid"]
    assert status["CapEff"].strip() == "0" * 16 and status["NoNewPrivs"].strip() == "1"
    assert not {"etc", "run", "var", "home", "proc", "sys", "opt", "srv", "mnt"} & set(os.listdir(root)), os.listdir(root)
    assert not os.path.exists(f"{root}{DOCKER_SOCKET}") and not os.path.exists(f"{root}/run")
    # Only the path to the run's folder, and to a checkout or venv that itself lives under /tmp (a CI clone).
    from grader.emulator.seal import readable_paths

    under_tmp = {p.split("/")[2] for p in readable_paths() if p.startswith("/tmp/")}
    assert sorted(os.listdir(f"{root}/tmp")) == sorted({engine.base_dir.split("/")[2]} | under_tmp)
    assert os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net")
