"""A learner runs a lab in a real browser: failing code, then the solution.
A Celery worker runs in a thread of this process on an in-memory broker, so
the page really polls while a grading is under way. Screenshots of both
results, in both themes and at phone width, go to var/screenshots/labs/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.labs.views.conftest import log_in as _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots" / "labs"

FAILING = "import boto3\n\nsqs = boto3.client('sqs')\n\n\ndef setup():\n    sqs.create_queue(QueueName='orders')\n"
PASSING = FAILING + "    sqs.send_message(QueueUrl='orders', MessageBody='{}')\n"


def _shoot(page, live_server, url, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for theme in ("light", "dark"):
        page.context.add_cookies([{"name": "theme", "value": theme, "url": live_server.url}])
        page.goto(url)
        page.screenshot(path=str(SHOTS / f"{name}-{theme}.png"), full_page=True)
    page.context.add_cookies([{"name": "theme", "value": "light", "url": live_server.url}])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    page.screenshot(path=str(SHOTS / f"{name}-phone-light.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_learner_fails_then_passes_a_lab_and_sees_the_flow(in_browser, live_server, alice, lab, grading_worker):
    in_browser(lambda page: _fail_then_pass(page, live_server, alice, lab))


def _fail_then_pass(page, live_server, alice, lab):
    _log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/labs/{lab.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lab.title)

    expect(page.locator(".cm-content")).to_be_visible()  # the editor has taken over the textarea: fill it, not the hidden one
    page.get_by_label("Your code").fill(FAILING)
    page.get_by_role("button", name="Run & grade").click()
    result = page.locator("#run")
    expect(result.locator(".verdict-pill")).to_have_text("Failed")
    expect(result.locator(".checkpoint.bad")).to_contain_text("Expected 1 message in orders, found 0.")
    expect(page.locator("#run-announce")).to_have_text("Attempt 1 failed: 1 of 2 checkpoints passed.")
    expect(result.locator("svg.flow")).to_be_visible()
    _shoot(page, live_server, f"{live_server.url}/labs/{lab.slug}/", "lab-failed")

    page.get_by_label("Your code").fill(PASSING)
    page.get_by_role("button", name="Run & grade").click()
    expect(result.locator(".verdict-pill")).to_have_text("✓ Passed")
    expect(result.locator(".checkpoint.bad")).to_have_count(0)
    expect(result.get_by_role("heading", name="Where each message went")).to_be_visible()
    expect(result.locator("svg.flow")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("Changes since attempt 1")  # swapped in out of band
    expect(page.get_by_text("Show the reference solution")).to_be_visible()
    _shoot(page, live_server, f"{live_server.url}/labs/{lab.slug}/", "lab-passed")

    page.goto(f"{live_server.url}/labs/")
    expect(page.locator(".lab-card").first).to_contain_text("Passed")
