"""Real headless chromium (Debian's) driven by Playwright against live_server."""

import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        # CI must prove the browser journeys: a missing browser is a failure, never a skip.
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does this")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def live_course(transactional_db, course_copy):
    call_command("sync_course", str(course_copy), "--skip-lab-grading")
    return course_copy
