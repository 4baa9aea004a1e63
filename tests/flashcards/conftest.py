"""Flashcards fixtures: the fixture course (two decks, six cards) synced, and
a fixed clock in UTC so intervals can be asserted."""

from datetime import datetime, timezone

import pytest

from flashcards.models import Card

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def decks(synced_course):
    return synced_course


@pytest.fixture
def card(decks):
    return Card.objects.get(stable_id="card-event-tense")


@pytest.fixture
def in_browser():
    """Run `body(page)` in a real chromium with a Playwright of its own, in a
    thread of its own (the sync API refuses to start where tests/browser's
    session-wide Playwright already runs; tests/labs/web does the same).
    Keep database checks out of the body: they belong to the test's thread."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    def run(body, *, javascript: bool = True, viewport=(1280, 900)):
        def in_thread():
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, java_script_enabled=javascript)
                    page = context.new_page()
                    page.set_default_timeout(15_000)
                    body(page)
                finally:
                    browser.close()

        with ThreadPoolExecutor(1) as pool:
            pool.submit(in_thread).result()

    return run


@pytest.fixture
def live_course(transactional_db, course_copy):
    """The fixture course synced for a live server (as tests/browser's fixture of the same name)."""
    from django.core.management import call_command

    call_command("sync_course", str(course_copy), "--skip-lab-grading")
    return course_copy
