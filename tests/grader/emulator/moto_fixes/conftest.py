"""Each moto fix is tested through boto3 twice where the wire matters: under
mock_aws in this process, and against moto's HTTP server (how the real engine
serves learners)."""

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from labs.engine.emulator import moto_fixes

REGION = "us-east-1"


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
