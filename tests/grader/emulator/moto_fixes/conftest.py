"""Each moto fix is tested through boto3 twice where the wire matters: under
mock_aws in this process, and against moto's HTTP server (how the real engine
serves learners).

Each fix also has a canary marked `upstream_bug`: it asserts AWS's behaviour on
plain moto, which fails today. The day moto fixes it upstream the canary
passes, and strict xfail turns that into a failure that says "delete the patch".
"""

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from grader.emulator import moto_fixes

REGION = "us-east-1"

# Only an AssertionError is the expected failure: a canary that cannot run at all fails.
upstream_bug = pytest.mark.xfail(
    strict=True, raises=AssertionError, reason="moto's own behaviour, which the patch fixes; if this passes, moto fixed it: delete the patch"
)


@pytest.fixture(scope="session")
def plain_moto(tmp_path_factory) -> dict:
    """What unpatched moto does in each case a patch fixes: plain_moto.py, run in
    a fresh interpreter (the patches cannot be taken back out of this one)."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("plain_moto.py"))],
        capture_output=True, text=True, timeout=180, cwd=tmp_path_factory.mktemp("plain-moto"),
    )
    if done.returncode != 0:
        raise RuntimeError(f"plain_moto.py failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def moto_server():
    moto_fixes.apply()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(params=["in-process", "server"])
def aws(request, monkeypatch):
    """aws(service) -> boto3 client, on fresh backends, in-process or over HTTP."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    moto_fixes.apply()
    if request.param == "in-process":
        with mock_aws():
            yield lambda service: boto3.client(service, region_name=REGION)
    else:
        endpoint = request.getfixturevalue("moto_server")
        import requests

        requests.post(f"{endpoint}/moto-api/reset", timeout=5)
        yield lambda service: boto3.client(service, region_name=REGION, endpoint_url=endpoint)
