"""Browser fixtures for the lab pages: a Playwright of each test's own and a
grading worker on an in-memory broker (used by test_pages_browser.py and
test_editor_browser.py)."""

import os
import re

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.labs.conftest import broker_at, verdict


@pytest.fixture
def in_browser():
    """Run a test body with its own Playwright in a thread of its own: the sync
    API refuses to start where tests/browser's session-wide Playwright already runs."""
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    def run(body):
        def in_thread():
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                    page.set_default_timeout(15_000)
                    body(page)
                finally:
                    browser.close()

        with ThreadPoolExecutor(1) as pool:
            pool.submit(in_thread).result()

    return run


@pytest.fixture
def grading_worker(fake_engine):
    """Grades with the stand-in engine: code that sends a message passes."""
    from celery.contrib.testing.worker import start_worker

    def grade(lab, code, *, seed=0):
        fake_engine.result = verdict(passed="send_message" in code, output="created orders\n")
        return type(fake_engine).grade_lab(fake_engine, lab, code, seed=seed)

    import labs.engine

    original, labs.engine.grade_lab = labs.engine.grade_lab, grade
    with broker_at("memory://") as app, start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=5):
        yield
    labs.engine.grade_lab = original


def log_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name=re.compile("Log in", re.I)).click()
