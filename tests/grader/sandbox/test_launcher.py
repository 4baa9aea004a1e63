"""What learner code can reach: its own emulator and nothing else. No network,
no site files, settings, database or worker environment, no other processes."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.grader.conftest import (
    PRINT_PIDNS,
    SECRET_ENV,
    SECRET_ENV_VALUE,
    assert_engine_still_grades,
    assert_nothing_left,
    grade,
)

pytestmark = pytest.mark.sandbox

# Each attempt prints "<label> REACHED ..." or "<label> blocked ..."; the
# module ends with "attempts done" so a crash half-way cannot pass for a block.
ATTEMPTS = '''
import os, socket, glob

def attempt(label, action):
    try:
        print(label, "REACHED", repr(action())[:300], flush=True)
    except Exception as exc:
        print(label, "blocked", type(exc).__name__, flush=True)

def tcp(host, port, family=socket.AF_INET):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(1)
        s.connect((host, port))
        s.sendall(b"hello from the sandbox")
        return s.getpeername()

def udp(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"hello from the sandbox", (host, port))
        s.settimeout(0.2)
        return s.recv(100)

def unix(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(path)
        return path

def read(path):
    with open(path, "rb") as f:
        return f.read()
'''


def _host_address() -> str | None:
    """This machine's address on its outside network, if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent
            address = probe.getsockname()[0]
        return None if address.startswith("127.") else address
    except OSError:
        return None


def test_learner_code_reaches_no_network_but_its_emulator(engine):
    tcp_listener = socket.create_server(("0.0.0.0", 0))
    tcp_listener.setblocking(False)
    udp_listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp_listener.bind(("0.0.0.0", 0))
    udp_listener.setblocking(False)
    tcp_port, udp_port = tcp_listener.getsockname()[1], udp_listener.getsockname()[1]
    hosts = ["127.0.0.1"] + ([_host_address()] if _host_address() else [])
    targets = [(host, port) for host in hosts for port in (tcp_port, 5432, 6379, 8000, 22)]
    code = ATTEMPTS + "\n".join(
        [f"attempt('tcp {h}:{p}', lambda: tcp({h!r}, {p}))" for h, p in targets]
        + [f"attempt('udp {h}:{udp_port}', lambda: udp({h!r}, {udp_port}))" for h in hosts]
        + [
            "attempt('tcp6 [::1]:5432', lambda: tcp('::1', 5432, socket.AF_INET6))",
            "attempt('tcp 1.1.1.1:443', lambda: tcp('1.1.1.1', 443))",
            "attempt('udp 8.8.8.8:53', lambda: udp('8.8.8.8', 53))",
            "attempt('metadata 169.254.169.254', lambda: tcp('169.254.169.254', 80))",
            "attempt('dns', lambda: socket.getaddrinfo('example.com', 443))",
            "attempt('postgres socket', lambda: unix('/var/run/postgresql/.s.PGSQL.5432'))",
            "attempt('redis socket', lambda: unix('/run/redis/redis-server.sock'))",
            "attempt('emulator', lambda: __import__('boto3').client('sqs').create_queue(QueueName='orders')['QueueUrl'])",
            "print('attempts done')",
        ]
    )
    try:
        graded = grade(code)
        with pytest.raises(BlockingIOError):
            tcp_listener.accept()
        with pytest.raises(BlockingIOError):
            udp_listener.recvfrom(100)
    finally:
        tcp_listener.close()
        udp_listener.close()

    output = graded.output
    assert "attempts done" in output, output
    reached = [line for line in output.splitlines() if " REACHED " in line and not line.startswith("udp 127.0.0.1")]
    assert [line.split()[0] for line in reached] == ["emulator"], output
    assert graded.checkpoint("orders")["passed"]  # the emulator itself works
    assert_nothing_left(graded)


@pytest.fixture
def planted_secrets(tmp_path_factory):
    """A settings-like file and a database readable by any uid on the host."""
    folder = Path(tmp_path_factory.mktemp("site"))
    for parent in (folder, *folder.parents):
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o055)  # make every step world-traversable, as a careless deploy would
    token = "planted-" + os.urandom(8).hex()
    (folder / "local_settings.py").write_text(f"SECRET_KEY = {token!r}\nDATABASE_URL = 'postgres://redrive:{token}@db/redrive'\n")
    (folder / "db.sqlite3").write_text(f"SQLite format 3 {token}")
    for name in ("local_settings.py", "db.sqlite3"):
        (folder / name).chmod(0o644)
    return folder, token


def test_learner_code_reads_no_secrets_of_the_site_or_the_worker(engine, planted_secrets):
    folder, token = planted_secrets
    repo = Path(settings.BASE_DIR)
    database = str(settings.DATABASES["default"].get("NAME") or "")
    paths = [
        "/etc/shadow",
        "/etc/passwd",
        str(folder / "local_settings.py"),
        str(folder / "db.sqlite3"),
        str(repo / "redrive" / "settings.py"),
        str(repo / ".env"),
        "/root/.bash_history",
        f"/proc/{os.getpid()}/environ",
    ] + ([database] if database.startswith("/") else [])
    code = ATTEMPTS + "\n".join(
        [f"attempt('read {p}', lambda: read({p!r}))" for p in paths]
        + [
            f"attempt('list {folder}', lambda: os.listdir({str(folder)!r}))",
            f"attempt('list {repo}', lambda: os.listdir({str(repo)!r}))",
            "attempt('every environ', lambda: [read(p) for p in glob.glob('/proc/*/environ')])",  # the sandbox's own
            "print('environment', sorted(os.environ))",
            "print('environ values', list(os.environ.values()))",
            "print('attempts done')",
        ]
    )
    graded = grade(code)

    output = graded.output
    assert "attempts done" in output, output
    assert token not in output
    assert SECRET_ENV not in output and SECRET_ENV_VALUE not in output
    assert settings.SECRET_KEY not in output
    for path in paths:
        assert f"read {path} blocked" in output, (path, output)
    assert f"list {folder} blocked" in output
    # Only what the sandbox mounts shows of the repository (the venv, when it lives there).
    listing = next(line for line in output.splitlines() if line.startswith(f"list {repo} "))
    assert "redrive" not in listing and "manage.py" not in listing, listing
    assert_nothing_left(graded)


def test_learner_code_cannot_write_outside_its_scratch_space(engine):
    targets = ["/run/emu/result.json", "/harness/main.py", "/usr/lib/evil", "/dev/shm/evil", "/evil", f"{settings.BASE_DIR}/evil"]
    code = ATTEMPTS + "\n".join(
        [f"attempt('write {t}', lambda: open({t!r}, 'w').write('x'))" for t in targets]
        + ["attempt('write /tmp/ok', lambda: open('/tmp/ok', 'w').write('x'))", "print('attempts done')"]
    )
    graded = grade(code)

    assert "attempts done" in graded.output
    for target in targets:
        assert f"write {target} blocked" in graded.output, graded.output
    assert "write /tmp/ok REACHED" in graded.output
    assert not Path(settings.BASE_DIR, "evil").exists()


@pytest.fixture
def bystander():
    """A process of the sandbox's own uid on the host, outside any run."""
    uid = int(getattr(settings, "SANDBOX_UID", 65534))

    def become():
        os.setgid(uid)
        os.setuid(uid)

    process = subprocess.Popen(["sleep", "60"], preexec_fn=become if os.geteuid() == 0 else None)
    yield process
    process.kill()
    process.wait()


def test_learner_code_cannot_signal_other_processes(engine, bystander):
    zygote = engine.emulator.process.pid if engine.emulator.process else os.getppid()
    targets = {"worker": os.getpid(), "emulator": zygote, "bystander": bystander.pid}
    code = PRINT_PIDNS + ATTEMPTS + "\n".join(
        [f"attempt('kill {name}', lambda: os.kill({pid}, 9) or 'sent')" for name, pid in targets.items()]
        + [
            "attempt('kill pid 1', lambda: os.kill(1, 9) or 'sent')",
            "attempt('kill -1', lambda: os.kill(-1, 9) or 'sent')",
            "print('visible pids', sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))",
            "print('attempts done')",
        ]
    )
    graded = grade(code)

    assert bystander.poll() is None, "a process outside the sandbox was killed"
    assert engine.emulator.alive()
    for name in ("worker", "emulator", "bystander"):
        assert f"kill {name} blocked ProcessLookupError" in graded.output, graded.output
    visible = graded.output.split("visible pids", 1)[1].split("\n")[0]
    assert all(str(pid) not in visible.strip(" []").split(", ") for pid in targets.values()), visible
    assert_nothing_left(graded)
    assert_engine_still_grades()


def test_learner_code_runs_unprivileged_with_rlimits(engine):
    code = (
        "import os, resource\n"
        "print('ids', os.getuid(), os.geteuid(), os.getgid())\n"
        "status = dict(line.split(':', 1) for line in open('/proc/self/status'))\n"
        "print('CapEff', status['CapEff'].strip(), 'NoNewPrivs', status['NoNewPrivs'].strip())\n"
        "for name in ('CPU', 'AS', 'NPROC', 'FSIZE', 'NOFILE', 'CORE'):\n"
        "    print('limit', name, *resource.getrlimit(getattr(resource, 'RLIMIT_' + name)))\n"
        "print('hostname', os.uname().nodename)\n"
    )
    graded = grade(code, time_limit_s=4)
    output = graded.output
    uid = int(getattr(settings, "SANDBOX_UID", 65534))

    assert f"ids {uid} {uid} {uid}" in output, output
    assert "CapEff 0000000000000000 NoNewPrivs 1" in output
    limits = {line.split()[1]: [int(v) for v in line.split()[2:]] for line in output.splitlines() if line.startswith("limit ")}
    assert limits["AS"] == [512 * 1024 * 1024] * 2
    assert limits["NPROC"] == [64, 64]
    assert limits["FSIZE"] == [16 * 1024 * 1024] * 2
    assert limits["NOFILE"] == [64, 64]
    assert limits["CORE"] == [0, 0]
    assert 2 <= limits["CPU"][0] <= 5 and limits["CPU"][1] <= limits["CPU"][0] + 1
    assert "hostname sandbox" in output


def _parent(pid: str) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_bubblewrap_is_never_started_as_root(engine):
    """Every sandbox process on the host, spare ones included, runs as the sandbox uid."""
    grade("x = 1\n")
    deadline = time.monotonic() + 10
    while not engine._spares and time.monotonic() < deadline:  # the spare is started after the run
        time.sleep(0.05)
    uid = str(int(getattr(settings, "SANDBOX_UID", 65534)))
    seen = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            command = Path(f"/proc/{name}/cmdline").read_bytes().split(b"\0")
            status = Path(f"/proc/{name}/status").read_text()
        except OSError:
            continue
        # bubblewrap's options are passed by fd (no host paths in its cmdline): ours are this process's children.
        if command and command[0].endswith(b"bwrap") and _parent(name) == os.getpid():
            seen += 1
            uids = next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1:]
            assert uids == [uid] * 4, (name, uids)
    assert seen >= 1  # the spare sandbox the pool keeps ready


def test_a_crash_of_the_interpreter_is_reported(engine):
    graded = grade("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")

    assert graded.data["status"] == "error", graded.data
    assert "segmentation fault" in graded.data["error"]
    assert_engine_still_grades()


def test_exiting_early_ends_only_the_learners_run(engine):
    graded = grade("import os\nos._exit(3)\n")

    assert graded.data["status"] == "error", graded.data
    assert graded.data["error"] == "Your code's process stopped unexpectedly."
    assert_engine_still_grades()


def test_learner_code_cannot_make_the_emulator_reach_the_network(engine):
    """moto delivers SNS http(s) subscriptions, Firehose HTTP endpoints and
    EventBridge API destinations with real requests: from the emulator, they
    must reach nothing either."""
    listener = socket.create_server(("0.0.0.0", 0))
    listener.setblocking(False)
    port = listener.getsockname()[1]
    hosts = ["127.0.0.1"] + ([_host_address()] if _host_address() else [])
    code = ATTEMPTS + f"""
import boto3, json
sns = boto3.client("sns")
topic = sns.create_topic(Name="exfiltrate")["TopicArn"]
for host in {hosts!r}:
    attempt("sns subscribe " + host, lambda: sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=f"http://{{host}}:{port}/sns")["SubscriptionArn"])
attempt("sns publish", lambda: sns.publish(TopicArn=topic, Message="hello from the sandbox")["MessageId"])
events = boto3.client("events")
def api_destination():
    connection = events.create_connection(Name="c", AuthorizationType="API_KEY",
        AuthParameters={{"ApiKeyAuthParameters": {{"ApiKeyName": "k", "ApiKeyValue": "v"}}}})["ConnectionArn"]
    destination = events.create_api_destination(Name="d", ConnectionArn=connection,
        InvocationEndpoint="http://127.0.0.1:{port}/events", HttpMethod="POST")["ApiDestinationArn"]
    events.put_rule(Name="all", EventPattern=json.dumps({{"source": ["x"]}}))
    events.put_targets(Rule="all", Targets=[{{"Id": "1", "Arn": destination, "RoleArn": "arn:aws:iam::123456789012:role/r"}}])
    return events.put_events(Entries=[{{"Source": "x", "DetailType": "d", "Detail": "{{}}"}}])["FailedEntryCount"]
attempt("events api destination", api_destination)
print("attempts done")
"""
    try:
        graded = grade(code)
        import time

        time.sleep(0.3)
        with pytest.raises(BlockingIOError):
            print("accepted", listener.accept())
    finally:
        listener.close()
    assert "attempts done" in graded.output, graded.output
    assert_engine_still_grades()
