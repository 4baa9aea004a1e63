"""Content-Security-Policy, HSTS and the TLS proxy header (redrive/settings.py)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.labs.conftest import broker, lab  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parents[2]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.django_db
def test_pages_carry_a_policy_that_runs_no_inline_script(client):
    policy = _policy(client.get("/accounts/login/"))
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"] and "'unsafe-inline'" not in policy["style-src-elem"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def _templates():
    for folder in [REPO / "templates", *REPO.glob("*/templates")]:
        yield from folder.rglob("*.html")


def test_no_template_has_an_inline_handler_or_an_inline_script():
    """The policy would refuse them: every script lives in static/js."""
    found = []
    for path in _templates():
        text = path.read_text()
        for match in re.finditer(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", text):
            found.append(f"{path.relative_to(REPO)}: {match.group()[:60]}")
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group():
                found.append(f"{path.relative_to(REPO)}: {match.group()}")
    assert found == []


def _settings_in_a_fresh_process(env: dict, *names: str) -> dict:
    code = "import json, django; from django.conf import settings; django.setup(); " + (
        "print(json.dumps({n: getattr(settings, n, None) for n in %r}))" % (names,)
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "redrive.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_hsts_and_the_proxy_header_come_from_the_environment():
    found = _settings_in_a_fresh_process(
        {"SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "SECURE_PROXY_SSL_HEADER": "1"},
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
    )
    assert found == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    off = _settings_in_a_fresh_process({}, "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER")
    assert off == {"SECURE_HSTS_SECONDS": 0, "SECURE_PROXY_SSL_HEADER": None}


def test_a_bad_hsts_value_stops_the_start_with_its_name():
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "redrive.settings", "SECURE_HSTS_SECONDS": "a year"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0 and "SECURE_HSTS_SECONDS must be a whole number" in run.stderr


@pytest.mark.django_db
def test_hsts_is_sent_on_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    assert client.get("/accounts/login/", secure=True)["Strict-Transport-Security"] == "max-age=3600"


@pytest.fixture
def behind_tls_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A proxy passes the Host header on, as nginx with proxy_set_header Host does.
    return {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "testserver"}


def test_behind_a_tls_proxy_the_api_location_reads_https(client, alice, lab, broker, behind_tls_proxy):  # noqa: F811
    client.force_login(alice)
    response = client.post(f"/api/labs/{lab.slug}/submissions/", {"code": "x = 1"}, **behind_tls_proxy)
    assert response.status_code == 202
    assert response["Location"].startswith("https://testserver/api/submissions/")


def test_without_the_setting_a_forwarded_proto_is_not_believed(client, alice, lab, broker):  # noqa: F811
    client.force_login(alice)
    response = client.post(f"/api/labs/{lab.slug}/submissions/", {"code": "x = 1"}, HTTP_X_FORWARDED_PROTO="https")
    assert response["Location"].startswith("http://testserver/")


def test_behind_a_tls_proxy_the_join_link_reads_https(client, django_user_model, behind_tls_proxy):
    from django.contrib.auth.models import Permission

    from classes.services.classes import classroom_create

    ivy = django_user_model.objects.create_user("ivy", "ivy@example.com", "correct-horse-battery")
    ivy.user_permissions.add(Permission.objects.get(codename="teach_class", content_type__app_label="classes"))
    ivy = django_user_model.objects.get(pk=ivy.pk)
    classroom = classroom_create(user=ivy, name="Messaging 101")
    client.force_login(ivy)
    page = client.get(f"/classes/{classroom.id}/", **behind_tls_proxy).content.decode()
    assert f'value="https://testserver/classes/join/{classroom.join_code}/"' in page
